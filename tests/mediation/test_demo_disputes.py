"""The demo's disputes (issue 11 item 3): every level, every ending, made through the real actions."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from casework.audit.chain import verify_chains
from casework.demo.disputes import tell_disputes
from casework.demo.org import build_org
from casework.mediation.documents import agreement_document, termination_document
from casework.mediation.models import Agreement, Dispute, Escalation, MediatorChange, PerformanceCheck, Termination
from casework.organisation.models import Membership, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo organisation and its disputes, built once for the module (about three seconds) in one transaction
    rolled back at its end (as tests/cases/conftest.py's ``module_db``)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            org = build_org(random.Random(7))
            yield org, tell_disputes(org, random.Random(8), timezone.localdate())
            transaction.set_rollback(True)


def test_the_township_mediators_sit_in_the_townships_committee_art_34(demo):
    """Issue 11 item 12: mediator_a1_1 was in 「A1区东风街道信访办」; the township mediates through its committee."""
    org, _ = demo
    m = Membership.objects.select_related("unit__jurisdiction").get(user__username="mediator_a1_1", role="mediator")
    assert m.unit.name == "A1区东风街道人民调解委员会" and m.unit.kind == "mediation"
    assert m.unit.jurisdiction.level == "township"
    assert not Membership.objects.filter(role="mediator", unit__kind="petition_office").exists()
    towns = [t for d in org.districts.values() for t in d.townships]
    assert all(t.committee is not None and t.committee.kind == "mediation" for t in towns)
    assert Unit.objects.filter(kind="mediation", jurisdiction__level="township").count() == len(towns)
    for mediator in Membership.objects.filter(role="mediator").select_related("unit__jurisdiction"):
        mediator.full_clean()  # the organisation model's rule holds for every demo mediator


def test_disputes_at_every_level_with_every_ending(demo):
    org, stats = demo
    today = timezone.localdate()
    disputes = Dispute.objects.filter(jurisdiction__path__startswith=org.province.path)
    assert 60 <= stats.disputes == disputes.count() <= 150
    assert stats.refused == []  # every step of every story was allowed by the rules
    assert {lv for lv in disputes.values_list("level", flat=True)} == {"village", "township", "department"}
    assert {lv for lv in disputes.exclude(settled_level="").values_list("settled_level", flat=True)} == {
        "village", "township", "department"}
    states = Counter(disputes.values_list("state", flat=True))
    for state in ("registered", "mediating", "drafted", "agreed", "performed", "unperformed", "failed", "ended"):
        assert states[state], (state, states)
    effective = Agreement.objects.filter(status="effective")
    assert effective.filter(form="written").exists() and effective.filter(form="oral").exists()
    # some in the Art 33 window now, some performed
    assert disputes.filter(state="agreed", confirmation_due_on__gte=today).exists()
    assert disputes.filter(state="performed").exists()
    assert not effective.filter(dispute__confirmation_due_on__isnull=True).exists()
    # escalated with consent to both levels above the village; ended with the routes told
    assert set(Escalation.objects.values_list("to_level", flat=True)) == {"township", "department"}
    assert not Escalation.objects.filter(consent=False).exists()
    assert set(Termination.objects.values_list("kind", flat=True)) == {"refused", "failed"}
    assert not Termination.objects.filter(routes_told=False).exists()
    assert MediatorChange.objects.exists()
    assert PerformanceCheck.objects.filter(result="in_progress").exists()
    assert all(d.received_on <= today and d.received_on >= today - dt.timedelta(days=200) for d in disputes)
    assert list(verify_chains()) == []


def test_the_demos_documents_render(demo):
    """One of each: a draft, an effective agreement, a notice of each ending."""
    for a in (Agreement.objects.filter(status="draft").first(),
              Agreement.objects.filter(status="effective", form="written").first()):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(agreement_document(a.dispute, a))).pages)
        assert "人民调解协议书" in text and "一式三份" in text.replace(" ", "")
    for kind in ("refused", "failed"):
        t = Termination.objects.filter(kind=kind).first()
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(termination_document(t.dispute, t))).pages)
        assert "调解终止告知书" in text.replace("\n", "")
