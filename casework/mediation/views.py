"""Mediation pages: the mediator's board, the township's escalation queue, a dispute's workspace."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.cases.errors import CaseworkError, NotFound
from casework.organisation.models import Unit
from casework.rules.lifecycle import Role
from casework.rules.mediation import (
    D_TRANSITIONS, ORAL_AGREEMENT_NOTE, OTHER_ROUTES, DState, Level, d_available, mediation_level,
)
from casework.web.views import _add_error

from . import actions as M
from . import forms as F
from .access import dispute_get, roles_on_dispute
from .documents import agreement_document, termination_document
from .selectors import mediator_board

ACTIONS = {
    "assign_mediator": (F.AssignForm, lambda u, d, f, c: M.dispute_assign_mediator(
        u, dispute_id=d.pk, mediator_id=c["mediator_id"].pk, chosen_by_parties=c["chosen_by_parties"])),
    "change_mediator": (F.ChangeMediatorForm, lambda u, d, f, c: M.dispute_change_mediator(
        u, dispute_id=d.pk, party_id=c["party_id"].pk, mediator_id=c["mediator_id"].pk, reason=c["reason"])),
    "record_party_details": (F.PartyDetailsForm, lambda u, d, f, c: M.dispute_record_party_details(
        u, dispute_id=d.pk, details=f.details())),
    "record_session": (F.SessionForm, lambda u, d, f, c: M.dispute_record_session(
        u, dispute_id=d.pk, summary=c["summary"], attendees=c["attendees"], public=c["public"],
        proposals=c["proposals"], on=c.get("on"))),
    "escalate": (F.EscalateForm, lambda u, d, f, c: M.dispute_escalate(
        u, dispute_id=d.pk, reason=c["reason"], unit_id=c["unit_id"].pk, consent=c["consent"],
        consent_note=c["consent_note"], mediator_id=c["mediator_id"].pk if c.get("mediator_id") else None,
        target_on=c.get("target_on"))),
    "end_by_party": (F.EndForm, lambda u, d, f, c: M.dispute_end_by_party(
        u, dispute_id=d.pk, party_id=c["party_id"].pk, reason=c["reason"], routes_told=c["routes_told"])),
    "fail": (F.FailForm, lambda u, d, f, c: M.dispute_fail(
        u, dispute_id=d.pk, reason=c["reason"], routes_told=c["routes_told"])),
    "draft_agreement": (F.DraftForm, lambda u, d, f, c: M.dispute_draft_agreement(
        u, dispute_id=d.pk, facts_responsibility=c["facts_responsibility"], terms=c["terms"],
        performance_manner=c["performance_manner"], performance_deadline=c.get("performance_deadline"))),
    "sign_agreement": (F.SignForm, lambda u, d, f, c: M.dispute_sign_agreement(
        u, dispute_id=d.pk, signatures=f.signatures(), mediator_signed=c["mediator_signed"], sealed=c["sealed"],
        on=c.get("on"))),
    "agree_orally": (F.OralForm, lambda u, d, f, c: M.dispute_agree_orally(
        u, dispute_id=d.pk, terms=c["terms"], performance_manner=c["performance_manner"],
        performance_deadline=c.get("performance_deadline"), writing_waived=c["writing_waived"],
        facts_responsibility=c["facts_responsibility"])),
    "record_performance": (F.PerformanceForm, lambda u, d, f, c: M.dispute_record_performance(
        u, dispute_id=d.pk, result=c["result"], note=c["note"], on=c.get("on"))),
}


def _dispute_or_404(user, dispute_id):
    try:
        return dispute_get(user, dispute_id=dispute_id)
    except NotFound:
        raise Http404(_("没有找到该纠纷"))


@login_required
def board(request):
    return render(request, "mediation/board.html", mediator_board(request.user))


@login_required
def register(request):
    units = [u for u in Unit.objects.filter(memberships__user=request.user,
                                            memberships__role__in=[Role.MEDIATOR, Role.INTAKE_CLERK],
                                            is_active=True).select_related("jurisdiction").distinct()
             if mediation_level(u.kind, u.jurisdiction.level) is not None]
    if not units:
        return render(request, "mediation/register.html", {"no_units": True}, status=403)
    if request.method == "POST":
        form = F.RegisterForm(request.POST, units=units)
        parties = F.PartyFormSet(request.POST, prefix="party")
        if form.is_valid() & parties.is_valid():
            c = form.cleaned_data
            try:
                d = M.dispute_register(request.user, unit_id=c["unit_id"].pk, dispute_type=c["dispute_type"],
                                       facts=c["facts"], received_on=c["received_on"],
                                       parties=[M.PartyData(**p) for p in parties.cleaned_data if p])
            except CaseworkError as e:
                if e.field and e.field.startswith("parties"):
                    parties._non_form_errors = parties.error_class([e.message])
                else:
                    _add_error(form, e)
            else:
                messages.success(request, _("已登记纠纷 %(number)s") % {"number": d.number})
                return redirect("dispute_detail", dispute_id=d.pk)
        return render(request, "mediation/register.html", {"form": form, "parties": parties}, status=400)
    return render(request, "mediation/register.html", {
        "form": F.RegisterForm(units=units), "parties": F.PartyFormSet(prefix="party", initial=[{}, {}])})


def _context(request, d, failed=None):
    roles = roles_on_dispute(request.user, d)
    allowed = []
    for t in d_available(DState(d.state), roles, Level(d.level)):
        if t.action in ACTIONS:
            form = failed[1] if failed and failed[0] == t.action else ACTIONS[t.action][0](prefix=t.action, dispute=d)
            allowed.append({"t": t, "form": form, "open": bool(failed and failed[0] == t.action)})
    from casework.audit.models import Event

    agreement = d.agreement
    return {
        "d": d, "actions": allowed, "events": Event.objects.filter(dispute=d).select_related("actor").order_by("id"),
        "labels": {k: _(t.label) for k, t in D_TRANSITIONS.items()} | {"register": _("登记纠纷"), "mediator_conflict": _("调解员回避")},
        "parties": [(p, p.details().missing()) for p in d.parties.select_related("person")],
        "sessions": d.sessions.all(), "agreement": agreement, "other_routes": OTHER_ROUTES,
        "signatures": agreement.signatures.select_related("party__person") if agreement else [],
        "oral_note": ORAL_AGREEMENT_NOTE,
        "escalations": d.escalations.select_related("from_unit", "to_unit"),
        "terminations": d.terminations.select_related("unit", "party__person"),
        "mediator_changes": d.mediator_changes.select_related("party__person", "previous", "mediator"),
        "performance_checks": d.performance_checks.select_related("checked_by"),
        "conflict_form": F.ConflictForm(prefix="conflict"), "is_mediator": Role.MEDIATOR in roles,
    }


@login_required
def detail(request, dispute_id: int):
    d = _dispute_or_404(request.user, dispute_id)
    return render(request, "mediation/detail.html", _context(request, d))


@login_required
@require_POST
def act(request, dispute_id: int, action: str):
    d = _dispute_or_404(request.user, dispute_id)
    if action not in ACTIONS:
        raise Http404(_("没有这个操作"))
    form = ACTIONS[action][0](request.POST, prefix=action, dispute=d)
    if form.is_valid():
        try:
            ACTIONS[action][1](request.user, d, form, form.cleaned_data)
        except CaseworkError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("已%(action)s") % {"action": _(D_TRANSITIONS[action].label)})
            return redirect("dispute_detail", dispute_id=d.pk)
    d = _dispute_or_404(request.user, dispute_id)
    context = _context(request, d, (action, form))
    if not any(a["t"].action == action for a in context["actions"]):
        # the action is not offered in this state any more: say why at the top of the page
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return render(request, "mediation/detail.html", context, status=400)


@login_required
@require_POST
def conflict(request, dispute_id: int):
    d = _dispute_or_404(request.user, dispute_id)
    form = F.ConflictForm(request.POST, prefix="conflict")
    if not form.is_valid():
        messages.error(request, _("请填写回避理由"))
        return redirect("dispute_detail", dispute_id=d.pk)
    M.dispute_declare_conflict(request.user, dispute_id=d.pk, reason=form.cleaned_data["reason"])
    messages.success(request, _("您已回避纠纷 %(number)s") % {"number": d.number})
    return redirect("mediation_board")


@login_required
def agreement_pdf(request, dispute_id: int):
    """调解协议书 (Art 29) in the official layout: the draft to read before signing, or the effective agreement."""
    d = _dispute_or_404(request.user, dispute_id)
    agreement = d.agreement
    if agreement is None or agreement.form != "written":
        raise Http404(_("该纠纷没有书面调解协议"))
    suffix = "agreement-draft" if agreement.is_draft else "agreement"
    return _pdf(agreement_document(d, agreement), f"{d.number}-{suffix}.pdf")


@login_required
def termination_pdf(request, dispute_id: int, termination_id: int):
    """调解终止告知书 (Art 26): one for each time a mediation of this dispute ended without agreement."""
    d = _dispute_or_404(request.user, dispute_id)
    termination = d.terminations.select_related("unit", "party__person").filter(pk=termination_id).first()
    if termination is None:
        raise Http404(_("没有找到该调解终止记录"))
    return _pdf(termination_document(d, termination), f"{d.number}-termination-{termination.pk}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
