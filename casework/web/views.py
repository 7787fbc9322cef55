"""Staff pages. Thin: parse, call a selector or an action, render."""

from __future__ import annotations

import datetime as dt

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import limits
from casework.cases import actions as A
from casework.cases import targets
from casework.cases.access import case_get, case_view, roles_on_case, withheld_case_ids
from casework.cases.errors import CaseworkError, NotFound
from casework.cases.models import Case, SupervisionNotice
from casework.cases.selectors import (
    DUE_SOON_DAYS, CaseFilters, case_timeline, cases_search, extension_requests_for, offered_actions, parties_masked,
    review_requests_for, supervision_board, supervisions_for_unit_staff, work_counts,
)
from casework.holidays.duedate import DueDateError, compute_due, parse_start
from casework.holidays.selectors import schedule_gaps
from casework.organisation.models import Membership
from casework.rules.clocks import RULES
from casework.rules.lifecycle import STATE_LABELS, TERMINAL, TRANSITIONS

from . import forms as F
from .action_forms import ACTIONS, make_form
from .menu import Capabilities, landing, may
from .pickers import UnitChoiceField


def _case_or_404(user, case_id: int) -> Case:
    try:
        return case_get(user, case_id=case_id)
    except NotFound:
        raise Http404(_("没有找到该案件"))


class FilterForm(djforms.Form):
    number = F.LimitedText(limits.CASE_NUMBER, label=gettext_lazy("案件编号"), required=False)
    name = F.LimitedText(limits.COMPLAINANT_NAME, label=gettext_lazy("信访人"), required=False)
    category = F.LimitedText(limits.CATEGORY, label=gettext_lazy("分类"), required=False)
    # the units that may hold a grievance (not villagers' or mediation committees)
    unit_id = UnitChoiceField(label=gettext_lazy("当前单位"), required=False, queryset=targets.active_units())
    # the rules core's labels are msgids (casework/web/i18n_labels.py): translated when shown
    state = djforms.ChoiceField(label=gettext_lazy("状态"), required=False, choices=[("", gettext_lazy("全部"))] + [
        (s.value, gettext_lazy(label)) for s, label in STATE_LABELS.items()])
    received_from = djforms.DateField(label=gettext_lazy("收到日期自"), required=False, widget=F.DATE)
    received_to = djforms.DateField(label=gettext_lazy("至"), required=False, widget=F.DATE)
    urgency = djforms.ChoiceField(label=gettext_lazy("紧急程度"), required=False, choices=[
        ("", gettext_lazy("全部")), ("overdue", gettext_lazy("已超期")), ("soon", gettext_lazy("即将到期")),
        ("open", gettext_lazy("在办"))])
    include_closed = djforms.BooleanField(label=gettext_lazy("包括已办结的案件"), required=False)

    def clean(self):
        d = super().clean()
        if d.get("received_from") and d.get("received_to") and d["received_to"] < d["received_from"]:
            self.add_error("received_to", _("结束日期不能早于开始日期"))
        return d


def filters_from(form: FilterForm) -> CaseFilters:
    if not (form.is_bound and form.is_valid()):
        return CaseFilters()
    d = form.cleaned_data
    return CaseFilters(
        number=d["number"], name=d["name"], category=d["category"],
        unit_id=d["unit_id"].pk if d["unit_id"] else None, state=d["state"],
        received_from=d["received_from"], received_to=d["received_to"], urgency=d["urgency"],
        include_closed=d["include_closed"],
    )


@login_required
def home(request):
    """My work, most urgent first: extension requests awaiting my decision, new review requests, supervision
    notices to answer, then the open cases of my units, overdue first (closed ones on request)."""
    can = Capabilities.of(request.user)
    if not can.works_on_cases:
        # mediators, administrators: no grievances of their own; their first page instead of an empty list
        start = landing(request.user)
        if start:
            return redirect(start)
        return render(request, "web/home.html", {"no_work": True, "memberships": Membership.objects.filter(
            user=request.user, unit__is_active=True).select_related("unit")})
    today = timezone.localdate()
    form = FilterForm(request.GET or None)
    page = Paginator(cases_search(request.user, filters_from(form)), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    extensions = extension_requests_for(request.user, today)
    reviews = review_requests_for(request.user, today)
    shown = [c.pk for c in page] + [r.case.pk for r in extensions] + [c.pk for c in reviews]
    return render(request, "web/home.html", {
        "page": page, "form": form, "counts": work_counts(request.user), "today": today,
        # A title is often the start of the request: not shown to a unit complained about (Art 30 ¶3).
        "withheld": withheld_case_ids(request.user, shown),
        "soon": today + dt.timedelta(days=DUE_SOON_DAYS), "query": query.urlencode(),
        "supervisions": supervisions_for_unit_staff(request.user)[:20],
        "extensions": extensions, "reviews": reviews,
        "decides_extensions": can.decides_extensions,
        "refuse_forms": {r.case.pk: F.ExtensionRefuseForm(prefix="refuse_extension", auto_id=f"id_refuse_{r.case.pk}_%s")
                         for r in extensions},
        "showing_closed": bool(form.is_bound and form.is_valid() and (form.cleaned_data["include_closed"] or
                                                                      form.cleaned_data["state"] in TERMINAL)),
        # those who enter the holiday schedule (the admin site) are told which year is missing
        "schedule_gaps": schedule_gaps(today) if can.administers else [],
    })


@login_required
def case_detail(request, case_id: int):
    case = _case_or_404(request.user, case_id)
    return render(request, "web/case_detail.html", _workspace_context(request, case))


# Events that are not lifecycle transitions, as the timeline names them.
OTHER_EVENTS = {"recuse": gettext_lazy("回避"), "supervise": gettext_lazy("发出督办通知"),
                "supervision_answer": gettext_lazy("答复督办"), "identity_reveal": gettext_lazy("查看信访人身份信息"),
                "anonymise": gettext_lazy("保存期满，个人信息已匿名化")}


def event_labels() -> dict[str, str]:
    """verb -> what the timeline says, in the active language (the table's labels are msgids)."""
    return {k: _(t.label) for k, t in TRANSITIONS.items()} | {k: str(v) for k, v in OTHER_EVENTS.items()}


def _workspace_context(request, case, failed: tuple[str, object] | None = None) -> dict:
    roles = roles_on_case(request.user, case)
    allowed = [t for t in offered_actions(request.user, case) if t.action in ACTIONS]
    action_forms = []
    for t in allowed:
        form = failed[1] if failed and failed[0] == t.action else make_form(t.action, case)
        action_forms.append({"t": t, "form": form, "danger": ACTIONS[t.action].danger, "open": bool(failed and failed[0] == t.action)})
    from casework.cases.actions import clocks_for_case

    show = case_view(request.user, case)
    return {
        "case": case,
        "show": show,
        "parties": parties_masked(case) if show.identity else [],  # in full on request: web/identity.py
        "may_list_views": "supervisor" in roles,
        "clocks": clocks_for_case(case),
        "events": case_timeline(request.user, case),
        "actions": action_forms,
        "labels": event_labels(),
        "supervise_form": F.SuperviseForm(prefix="supervise") if "supervisor" in roles else None,
        "recuse_form": F.RecuseForm(prefix="recuse"),
        "supervisions": _with_answer_forms(case.supervisions.select_related("to_unit", "issuing_unit")),
        "today": timezone.localdate(),
        "soon": timezone.localdate() + dt.timedelta(days=DUE_SOON_DAYS),
        "documents": _documents(case),
    }


def _with_answer_forms(notices):
    """Each open notice with its own answer form: the same field names, ids of its own (no id twice on the page)."""
    notices = list(notices)
    for n in notices:
        n.answer_form = F.SupervisionAnswerForm(prefix="answer", auto_id=f"id_notice{n.pk}_%s")
    return notices


def _documents(case):
    from casework.documents.catalogue import documents_for_case

    return documents_for_case(case)


@login_required
def case_document(request, case_id: int, kind: str):
    """A formal notice of the case as PDF, rendered from the event it reports."""
    from django.http import HttpResponse

    from casework.documents.catalogue import receipt_code, render_for_case

    case = _case_or_404(request.user, case_id)
    if not case_view(request.user, case).documents:
        raise Http404(_("没有找到该文书"))  # notices name the complainant (Art 30 ¶3)
    try:
        filename, pdf = render_for_case(case, kind, access_code=receipt_code(request, case))
    except (KeyError, LookupError):
        raise Http404(_("没有找到该文书"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_POST
def case_act(request, case_id: int, action: str):
    """Run one lifecycle action from the workspace; errors go back beside their fields."""
    case = _case_or_404(request.user, case_id)
    if action not in ACTIONS:
        raise Http404(_("没有这个操作"))
    form = make_form(action, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            ACTIONS[action].call(request.user, case, form.cleaned_data)
        except CaseworkError as e:
            _add_error(form, e)
        else:
            messages.success(request, _("已%(action)s") % {"action": _(TRANSITIONS[action].label)})
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                        require_https=request.is_secure()):
                return redirect(back)  # e.g. 我的工作, where the extension was decided
            return redirect("case_detail", case_id=case.pk)
    case = _case_or_404(request.user, case_id)
    context = _workspace_context(request, case, (action, form))
    if not any(a["t"].action == action for a in context["actions"]):
        # the action is not offered in this state any more: say why at the top of the page
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return render(request, "web/case_detail.html", context, status=400)


def _add_error(form, e: CaseworkError) -> None:
    field = e.field if e.field in form.fields else None
    if field is None and e.field:
        # "complainants.0.name" and the like: attach to the first part that is a field
        head = e.field.split(".")[0]
        field = head if head in form.fields else None
    form.add_error(field, e.message)


@login_required
@require_POST
def case_recuse(request, case_id: int):
    case = _case_or_404(request.user, case_id)
    form = F.RecuseForm(request.POST, prefix="recuse")
    if form.is_valid():
        try:
            A.case_recuse(request.user, case_id=case.pk, reason=form.cleaned_data["reason"])
        except CaseworkError as e:
            messages.error(request, e.message)
            return redirect("case_detail", case_id=case.pk)
        messages.success(request, _("您已回避案件 %(number)s，今后不再显示该案件") % {"number": case.number})
        return redirect("home")
    messages.error(request, _("请填写回避理由"))
    return redirect("case_detail", case_id=case.pk)


@login_required
@require_POST
def case_supervise(request, case_id: int):
    case = _case_or_404(request.user, case_id)
    form = F.SuperviseForm(request.POST, prefix="supervise")
    if form.is_valid():
        try:
            notice = A.supervision_issue(request.user, case_id=case.pk, instruction=form.cleaned_data["instruction"],
                                         days=form.cleaned_data["days"])
        except CaseworkError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("已发出督办通知 %(number)s，答复期限 %(due)s") % {
                "number": notice.number, "due": f"{notice.due_on:%Y-%m-%d}"})
    else:
        messages.error(request, _("；").join(
            _("%(field)s：%(errors)s") % {"field": form.fields[f].label, "errors": ", ".join(errs)} for f, errs in form.errors.items()))
    return redirect("case_detail", case_id=case.pk)


@login_required
@require_POST
def supervision_answer(request, notice_id: int):
    notice = SupervisionNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise Http404(_("没有找到该督办通知"))
    form = F.SupervisionAnswerForm(request.POST, prefix="answer")
    try:
        if not form.is_valid():
            raise CaseworkError("invalid", _("请填写办理情况"))
        A.supervision_answer(request.user, notice_id=notice.pk, answer=form.cleaned_data["answer"])
    except NotFound:
        raise Http404(_("没有找到该督办通知"))
    except CaseworkError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已答复督办通知"))
    return redirect("case_detail", case_id=notice.case_id)


@login_required
def supervision(request):
    """Supervisor board: every overdue case of my jurisdictions, most overdue first, with who handles it and by
    how many days; what falls due soon; the on-time rate and satisfaction by unit; supervision notices."""
    if not may(request.user, "supervision"):
        return render(request, "web/supervision.html", {"refused": True}, status=403)
    board = supervision_board(request.user)
    board["withheld"] = withheld_case_ids(request.user, [c.pk for c in board["overdue"] + board["soon"]])
    return render(request, "web/supervision.html", board)


@login_required
def due_date(request):
    """Staff often need to answer "by when?": a named rule, or N (working) days from a date."""
    context = {"rules": RULES.values(), "form": request.GET}
    if request.GET.get("start"):
        rule = request.GET.get("rule") or None
        days = request.GET.get("days") or None
        try:
            start = parse_start(request.GET["start"])
            if days is not None:
                try:
                    days = int(days)
                except ValueError:
                    raise DueDateError(_("天数应为整数")) from None
                rule = None
            context["answer"] = compute_due(start, rule=rule, days=days, working_days=bool(request.GET.get("working")))
        except DueDateError as e:
            context["error"] = str(e)
    return render(request, "web/due_date.html", context, status=400 if "error" in context else 200)
