"""Seeing a complainant's identity in full (PIPL Art 51): staff pages show it masked; asking for it in full is an
act with its event (who, when, which case), allowed only where ``access.case_view`` already allows the identity
(never the unit complained about, 信访工作条例 Art 30 ¶3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from casework.audit.chain import event_append
from casework.audit.models import ActorKind
from casework.security.log import security_event

from ..access import case_get, case_view
from ..actors import as_actor
from ..errors import Forbidden
from ..models import Case, CaseParty, PartyRole

IDENTITY_REVEALED = "identity_reveal"
"""The event's verb: its data is empty; the event itself says who saw it, when, and on which case."""


@dataclass(frozen=True)
class PartyIdentity:
    name: str
    address: str
    phone: str
    role: str

    @property
    def role_label(self) -> str:
        return PartyRole(self.role).label


def identity_of(case: Case) -> list[PartyIdentity]:
    """The complainants of a case in full, decrypted (for the action below and the complainant's own pages)."""
    parties = CaseParty.objects.filter(case=case).select_related("person").order_by("id")
    return [PartyIdentity(p.person.name, p.person.address, p.person.phone, p.role) for p in parties]


def case_identity_reveal(who, *, case_id: int) -> list[PartyIdentity]:
    """The complainant's (and representatives') names, addresses and phones in full, recorded as one event.

    Staff only (the complainant sees their own details without asking); refused where ``case_view`` withholds
    the identity (Art 30 ¶3), and then nothing is recorded.
    """
    actor = as_actor(who)
    if actor.kind != ActorKind.STAFF:
        raise Forbidden("只有工作人员需要申请显示信访人身份信息")
    with transaction.atomic():
        case = case_get(actor, case_id=case_id)  # NotFound for anyone the case is out of scope for
        if not case_view(actor, case).identity:
            security_event("access.denied", None, warning=True, reason="identity_withheld", user_id=actor.user_id,
                           case_id=case.pk)
            raise Forbidden("依照《信访工作条例》第三十条第三款，不向被投诉单位显示信访人身份信息")
        event_append(jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb=IDENTITY_REVEALED,
                     actor_id=actor.user_id, actor_kind=actor.kind, effective_on=timezone.localdate(), data={})
        pk, user_id = case.pk, actor.user_id
        transaction.on_commit(lambda: security_event("identity.view", None, user_id=user_id, case_id=pk))
        return identity_of(case)
