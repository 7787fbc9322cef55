"""Staff pages. Thin: parse, call a selector or an action, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from casework.cases.access import case_get, disclosure
from casework.cases.actions import clocks_for_case
from casework.cases.errors import NotFound
from casework.cases.selectors import case_timeline, cases_for_work
from casework.holidays.duedate import DueDateError, compute_due, parse_start
from casework.rules.clocks import RULES


@login_required
def home(request):
    page = Paginator(cases_for_work(request.user, query=request.GET.get("q", "").strip()), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "web/home.html", {"page": page, "today": timezone.localdate()})


@login_required
def case_detail(request, case_id: int):
    try:
        case = case_get(request.user, case_id=case_id)
    except NotFound:
        raise Http404("没有找到该案件")
    return render(
        request,
        "web/case_detail.html",
        {
            "case": case,
            "show": disclosure(request.user, case),
            "clocks": clocks_for_case(case),
            "events": case_timeline(case),
        },
    )


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
                    raise DueDateError("天数应为整数") from None
                rule = None
            context["answer"] = compute_due(start, rule=rule, days=days, working_days=bool(request.GET.get("working")))
        except DueDateError as e:
            context["error"] = str(e)
    return render(request, "web/due_date.html", context, status=400 if "error" in context else 200)
