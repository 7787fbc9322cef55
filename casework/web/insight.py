"""Suggestions and related cases beside the intake form and in the workspace; the hot-issues board.

Thin: ``casework.insight.service`` and ``casework.insight.hot`` answer, through
the same case scope as every other page; these views only pick the inputs and
render fragments for htmx.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from casework.cases.access import case_view
from casework.cases.selectors import offered_actions
from casework.insight.hot import hot_issues, may_view_hot_issues
from casework.insight.service import phones_of, related_cases, suggest_categories

from .intake import intake_units
from .views import _case_or_404

MAX_FIELD = 20_000  # as the intake form; longer input is cut, not refused: this only reads


def _field(request, name: str) -> str:
    return (request.POST.get(name) or "")[:MAX_FIELD]


@login_required
@require_POST
def intake_insight(request):
    """As the clerk types: the likely categories and units, and earlier cases on the same matter."""
    units = intake_units(request.user)
    if not units:
        return render(request, "web/_insight_intake.html", {"refused": True}, status=403)
    unit = next((u for u in units if str(u.pk) == request.POST.get("unit_id")), units[0])
    title, req, facts = _field(request, "title"), _field(request, "request"), _field(request, "facts_reasons")
    phones = [v[:40] for k, v in request.POST.items() if k.startswith("p-") and k.endswith("-phone")][:5]
    typed = bool((title + req + facts).strip())
    context = {"typed": typed}
    if typed:
        context["suggestions"] = suggest_categories(unit.jurisdiction, title=title, text=f"{req}\n{facts}")
    if typed or any(p.strip() for p in phones):
        context["related"] = related_cases(request.user, title=title, request=req, facts_reasons=facts, phones=phones)
    return render(request, "web/_insight_intake.html", context)


@login_required
@require_GET
def case_insight(request, case_id: int):
    """The workspace panel: suggested categories for the case, related cases, a merge button where allowed."""
    case = _case_or_404(request.user, case_id)
    show = case_view(request.user, case)
    if not show.materials:  # the unit complained about: nothing derived from the materials either
        return render(request, "web/_insight_case.html", {"case": case, "withheld": True})
    can_merge = any(t.action == "merge" for t in offered_actions(request.user, case))
    return render(request, "web/_insight_case.html", {
        "case": case,
        "suggestions": suggest_categories(case.jurisdiction, title=case.title, text=f"{case.request}\n{case.facts_reasons}"),
        "related": related_cases(request.user, title=case.title, request=case.request, facts_reasons=case.facts_reasons,
                                 phones=phones_of(case) if show.identity else (), exclude_case_id=case.pk),
        "can_merge": can_merge,
    })


@login_required
def hot(request):
    """Hot issues for supervisors: groups of similar open cases across units, with counts per week."""
    if not may_view_hot_issues(request.user):
        return render(request, "web/hot.html", {"refused": True}, status=403)
    issues = hot_issues(request.user, today=timezone.localdate())
    weeks = issues[0].weeks if issues else []
    return render(request, "web/hot.html", {"issues": issues, "weeks": weeks})
