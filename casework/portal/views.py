"""The public portal (phone first): submit, follow with number + access code, ask for review, rate.

Access to a case is proven once per session with its number and access code;
wrong codes are rate-limited per client and per number (casework/security/throttle.py) and never say
whether a number exists; anonymous submissions are limited per client and day.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework.audit.models import Event
from casework.cases import actions as A
from casework.cases.actors import Actor
from casework.cases.errors import CaseworkError
from casework.cases.models import Case
from casework.organisation.models import Unit
from casework.rules.clocks import RULES
from casework.rules.lifecycle import TRANSITIONS, State

from casework.documents.catalogue import remember_receipt_code
from casework.security import throttle

from .forms import LookupForm, RateForm, ReviewForm, SubmitForm, WithdrawForm

SESSION_KEY = "portal_cases"
PUBLIC_VERBS = {
    "register": gettext_lazy("已登记"),
    "forward": gettext_lazy("已转送有权处理的单位"),
    "object": gettext_lazy("接收单位提出异议，待转送机关核实"),
    "agree_objection": gettext_lazy("转送机关同意退回，重新确定办理单位"),
    "refuse_objection": gettext_lazy("转送机关不同意退回，由接收单位办理"),
    "redirect": gettext_lazy("已告知通过其他法定途径解决"),
    "refuse_repeat": gettext_lazy("已复核终结的事项，不予受理"),
    "accept": gettext_lazy("已受理"),
    "approve_extension": gettext_lazy("办理期限延长"),
    "reply": gettext_lazy("已出具处理意见书"),
    "record_delivery": gettext_lazy("处理意见书已送达"),
    "request_review": gettext_lazy("已申请复查"),
    "decide_review": gettext_lazy("已出具复查意见"),
    "request_rereview": gettext_lazy("已申请复核"),
    "start_hearing": gettext_lazy("复核听证"),
    "end_hearing": gettext_lazy("听证结束"),
    "decide_rereview": gettext_lazy("已出具复核意见"),
    "order_redo": gettext_lazy("复查（复核）机关责令重新处理"),
    "withdraw": gettext_lazy("已撤回"),
    "record_withdrawal": gettext_lazy("已撤回（书面）"),
    "merge": gettext_lazy("已并入正在办理的信访事项"),
    "expire_window": gettext_lazy("已结案"),
    "rate": gettext_lazy("已评价"),
}


def home(request):
    return render(request, "portal/home.html", {
        "handling_days": RULES["handling"].days, "review_days": RULES["review_request"].days,  # Art 34, 35
    })


def submit(request):
    if request.method == "POST":
        form = SubmitForm(request.POST, request.FILES)
        if form.is_valid() and not throttle.submission_allowed(request):
            form.add_error(None, _("今天从您的网络提交的信访事项已达上限，请明天再提交，或通过来信、来访、电话反映。"))
            return render(request, "portal/submit.html", {"form": form}, status=429)
        if form.is_valid():
            d = form.cleaned_data
            try:
                r = A.case_register(
                    Actor(kind="complainant"), unit_id=d["unit_id"].pk, channel="web",
                    complainants=[A.PersonData(d["name"], d["address"], d["phone"])],
                    request=d["request"], facts_reasons=d["facts_reasons"], attachments=d["attachments"],
                    respondent_unit_ids=[u.pk for u in d["respondent_unit_ids"]], respondent_text=d["respondent_text"],
                )
            except CaseworkError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                _grant(request, r.case)
                remember_receipt_code(request, r.case, r.access_code)
                return render(request, "portal/submitted.html", {"case": r.case, "code": r.access_code})
        return render(request, "portal/submit.html", {"form": form}, status=400)
    return render(request, "portal/submit.html", {"form": SubmitForm()})


def lookup(request):
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            number = form.cleaned_data["number"].strip()
            if not throttle.code_tries_left(request, number):
                form.add_error(None, _("尝试次数过多，请稍后再试。"))
                return render(request, "portal/lookup.html", {"form": form}, status=429)
            case = A.case_by_code(number, form.cleaned_data["code"])
            if case is not None:
                _grant(request, case)
                return redirect("portal_case", number=case.number)
            throttle.code_failed(request, number)
            form.add_error(None, _("案件编号或查询码不正确。"))
        return render(request, "portal/lookup.html", {"form": form}, status=400)
    return render(request, "portal/lookup.html", {"form": LookupForm()})


def _grant(request, case: Case) -> None:
    ids = set(request.session.get(SESSION_KEY, []))
    ids.add(case.pk)
    request.session[SESSION_KEY] = sorted(ids)


def _case_for(request, number: str) -> Case:
    case = Case.objects.select_related("current_unit__jurisdiction").filter(number=number).first()
    if case is None or case.pk not in request.session.get(SESSION_KEY, []):
        raise Http404(_("请先凭案件编号和查询码查询"))
    return case


def _higher_units(case: Case) -> list[Unit]:
    """Where review or re-review is asked (Art 35, 36 「上一级」): exactly the bodies the review action accepts."""
    from casework.cases.review_bodies import review_bodies

    return review_bodies(case)


def case_page(request, number: str, review_form=None, rate_form=None, withdraw_form=None, status=200):
    case = _case_for(request, number)
    state = State(case.state)
    events = Event.objects.filter(case=case, verb__in=PUBLIC_VERBS).order_by("id")
    units = _higher_units(case)
    can_review = state in TRANSITIONS["request_review"].sources
    can_rereview = state in TRANSITIONS["request_rereview"].sources
    window_open = case.due_on is not None and case.due_rule in {"review_request", "rereview_request"}
    from django.utils import timezone

    # Art 35: the window runs from the day the reply was received; until that is recorded none runs (no end yet)
    awaiting_delivery = can_review and case.reply_received_on is None
    within = awaiting_delivery or (window_open and timezone.localdate() <= case.due_on)
    return render(request, "portal/case.html", {
        "case": case, "events": [(e, PUBLIC_VERBS[e.verb]) for e in events],
        # Each form has its own prefix: several on one page never share an id (labels point at their field).
        "review_form": review_form or ReviewForm(units=units, prefix="review") if (can_review or can_rereview) and within else review_form,
        "is_review": can_review,  # else re-review
        "awaiting_delivery": awaiting_delivery, "review_days": RULES["review_request"].days,
        "window_passed": (can_review or can_rereview) and not within,
        "rate_form": rate_form or RateForm(prefix="rate") if case.replied_on and not case.satisfaction else rate_form,
        "withdraw_form": withdraw_form or (WithdrawForm(prefix="withdraw") if case.is_open else None),
        "office": case.current_unit,  # the office handling the matter, with its published contact (Art 18 ¶1)
        "documents": _documents(case),
    }, status=status)


def _documents(case):
    from casework.documents.catalogue import documents_for_case

    return documents_for_case(case, public=True)


def document(request, number: str, kind: str):
    """The complainant's own notices as PDF (Art 18: results can be looked up)."""
    from django.http import HttpResponse

    from casework.documents.catalogue import receipt_code, render_for_case

    case = _case_for(request, number)
    try:
        filename, pdf = render_for_case(case, kind, access_code=receipt_code(request, case))
    except LookupError:
        raise Http404(_("没有找到该文书"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def request_review(request, number: str):
    case = _case_for(request, number)
    form = ReviewForm(request.POST, units=_higher_units(case), prefix="review")
    if form.is_valid():
        actor = Actor.complainant(case.pk)
        try:
            if State(case.state) in TRANSITIONS["request_review"].sources:
                A.case_request_review(actor, case_id=case.pk, review_unit_id=form.cleaned_data["unit_id"].pk,
                                      reason=form.cleaned_data["reason"])
            else:
                A.case_request_rereview(actor, case_id=case.pk, rereview_unit_id=form.cleaned_data["unit_id"].pk,
                                        reason=form.cleaned_data["reason"])
        except CaseworkError as e:
            form.add_error(None, e.message)
        else:
            return _review_submitted(request, case)
    return case_page(request, number, review_form=form, status=400)


def _review_submitted(request, case: Case):
    """The confirmation: which body has the request, by when it answers, and the receipt (Art 35, 36 ¶1)."""
    from casework.documents.catalogue import documents_for_case

    case.refresh_from_db()
    event = Event.objects.filter(case=case, verb__in=["request_review", "request_rereview"]).order_by("-id").first()
    stage = pgettext("review stage", "复查") if event.verb == "request_review" else pgettext("review stage", "复核")
    receipt = next(d for d in documents_for_case(case, public=True) if d["key"].endswith(f"-{event.pk}")
                   and d["kind"].endswith("receipt"))
    return render(request, "portal/review_submitted.html", {
        "case": case, "stage": stage, "unit": case.current_unit, "requested_on": event.effective_on,
        "due": case.due_on if case.due_rule in ("review_decision", "rereview_decision") else None, "receipt": receipt,
    })


@require_POST
def rate(request, number: str):
    case = _case_for(request, number)
    form = RateForm(request.POST, prefix="rate")
    if form.is_valid():
        try:
            A.case_rate(Actor.complainant(case.pk), case_id=case.pk, satisfaction=form.cleaned_data["satisfaction"],
                        comment=form.cleaned_data["comment"])
        except CaseworkError as e:
            form.add_error(None, e.message)
        else:
            return redirect("portal_case", number=case.number)
    return case_page(request, number, rate_form=form, status=400)


@require_POST
def withdraw(request, number: str):
    """The complainant withdraws the matter (the case is closed; nothing stops a new one on other facts)."""
    case = _case_for(request, number)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            A.case_withdraw(Actor.complainant(case.pk), case_id=case.pk, reason=form.cleaned_data["reason"])
        except CaseworkError as e:
            form.add_error(None, e.message)
        else:
            return redirect("portal_case", number=case.number)
    return case_page(request, number, withdraw_form=form, status=400)
