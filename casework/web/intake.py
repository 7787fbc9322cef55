"""The intake desk: register a walk-in, letter or phone case in one screen, then route it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from django.utils import timezone

from casework.cases import actions as A
from casework.cases.access import StaffScope, case_get, case_view, roles_at
from casework.cases.errors import CaseworkError
from casework.documents.catalogue import receipt_code, remember_receipt_code
from casework.rules.intake import GROUP_LIMIT_CHANNEL, MAX_REPRESENTATIVES
from casework.rules.lifecycle import CaseFacts, Role, State, offered

from . import forms as F
from .views import _add_error

ROUTE_ACTIONS = ("forward", "accept", "redirect")


def intake_units(user) -> list:
    """The active units where this person registers cases (登记受理人员): what the intake page and its menu entry need."""
    scope = StaffScope.of(user)
    if scope is None:
        return []
    units = [scope.unit_rows[u] for u, roles in scope.roles_by_unit.items() if Role.INTAKE_CLERK in roles]
    return sorted(units, key=lambda u: (u.name, u.pk))



def intake_routes(user, units) -> dict[int, set[str]]:
    """For each unit, the routes (forward, accept, redirect) the lifecycle table lets this person take on a case
    just registered there: the roles a case at that unit gives them (``access.roles_at``) and ``lifecycle.offered``."""
    scope, today, new = StaffScope.of(user), timezone.localdate(), CaseFacts(State.REGISTERED)
    return {u.pk: {t.action for t in offered(new, roles_at(scope, unit_id=u.pk, jurisdiction_path=u.jurisdiction.path),
                                             today) if t.action in ROUTE_ACTIONS} for u in units}


@login_required
def intake(request):
    units = intake_units(request.user)
    if not units:
        return render(request, "web/intake.html", {"no_units": True}, status=403)
    routes = intake_routes(request.user, units)
    if request.method == "POST":
        form = F.IntakeForm(request.POST, request.FILES, units=units, routes=routes)
        people = F.ComplainantFormSet(request.POST, prefix="p")
        if form.is_valid() & people.is_valid():
            d = form.cleaned_data
            target = _merge_target(request.user, form, d.get("merge_into"))
        if form.is_valid() and people.is_valid():
            try:
                registered = A.case_register(
                    request.user, unit_id=d["unit_id"].pk, channel=d["channel"], received_on=d["received_on"],
                    complainants=[A.PersonData(**p) for p in people.cleaned_data if p],
                    group_size=d["group_size"], title=d["title"], request=d["request"],
                    facts_reasons=d["facts_reasons"], category=d["category"],
                    respondent_unit_ids=[u.pk for u in d["respondent_unit_ids"]],
                    respondent_text=d["respondent_text"], attachments=d["attachments"],
                )
            except CaseworkError as e:
                if e.field and e.field.startswith("complainants"):
                    people._non_form_errors = people.error_class([e.message])
                else:
                    _add_error(form, e)
            else:
                case = registered.case
                request.session["just_registered"] = case.pk  # the code itself only sealed, below
                remember_receipt_code(request, case, registered.access_code)
                if target is not None:
                    _merge(request, case, target, d)
                else:
                    _route(request, case, d)
                return redirect("registered", case_id=case.pk)
        status = 400
    else:
        form = F.IntakeForm(units=units, routes=routes)
        people = F.ComplainantFormSet(prefix="p", initial=[{}])
        status = 200
    return render(request, "web/intake.html", {
        "form": form, "people": people, "max_representatives": MAX_REPRESENTATIVES,
        "group_limit_channel": GROUP_LIMIT_CHANNEL,
    }, status=status)


def _merge_target(user, form, number: str | None):
    """The case in progress a "登记并并入" button named; a form error (nothing registered) if it cannot take it."""
    number = (number or "").strip()
    if not number:
        return None
    try:
        target = case_get(user, number=number)
    except CaseworkError:
        target = None
    if target is None or not case_view(user, target).materials:  # the unit complained about does not act on it
        form.add_error(None, _("没有找到可并入的案件 %(number)s") % {"number": number})
        return None
    if not target.is_open or target.merged_into_id:
        form.add_error(None, _("%(number)s 已办结，不能并入") % {"number": number})
        return None
    return target


def _merge(request, case, target, d) -> None:
    """Registered as its own action, then merged into the case in progress as another (Art 19 ¶3)."""
    try:
        A.case_merge(request.user, case_id=case.pk, into_case_id=target.pk, on=d["received_on"])
    except CaseworkError as e:
        messages.warning(request, _("已登记，但未能并入 %(number)s：%(error)s。请在案件页面继续办理。")
                         % {"number": target.number, "error": e.message})
    else:
        messages.success(request, _("已登记并并入 %(number)s") % {"number": target.number})


def _route(request, case, d) -> None:
    """The route decision taken at the desk, as its own action (its own event) after registering."""
    step = d.get("next_step")
    try:
        if step == "forward":
            A.case_forward(request.user, case_id=case.pk, to_unit_id=d["to_unit_id"].pk, on=d["received_on"])
        elif step == "accept":
            A.case_accept(request.user, case_id=case.pk, on=d["received_on"])
        elif step == "redirect":
            A.case_redirect(request.user, case_id=case.pk, route=d["route"], reason=d["route_reason"], on=d["received_on"])
    except CaseworkError as e:
        messages.warning(request, _("已登记，但未能完成后续操作：%(error)s。请在案件页面继续办理。") % {"error": e.message})


@login_required
def registered(request, case_id: int):
    """Once: the number and the access code to give the complainant, and the receipt."""
    from .views import _case_or_404

    case = _case_or_404(request.user, case_id)
    shown = request.session.pop("just_registered", None)
    code = (receipt_code(request, case) or None) if shown == case.pk else None
    return render(request, "web/registered.html", {"case": case, "code": code})
