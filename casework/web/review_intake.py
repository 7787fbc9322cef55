"""A review (复查, Art 35) or re-review (复核, Art 36 ¶1) request that arrives by letter or visit.

The review body's intake clerk finds the case by its number and sees only what
the review needs (the complainant's name, the opinion challenged, the window),
then registers the request: the case comes to their body, and the complainant
gets a 复查（复核）申请回执.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from casework.cases import actions as A
from casework.cases.errors import CaseworkError, NotFound
from casework.organisation.models import Unit

from .forms import DATE
from .menu import may
from .views import _add_error


STAGES = {"复查": pgettext_lazy("review stage", "复查"), "复核": pgettext_lazy("review stage", "复核")}


class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("案件编号"), max_length=40)


class ReviewIntakeForm(forms.Form):
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("受理机关"), empty_label=None)
    reason = forms.CharField(label=gettext_lazy("请求和理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    on = forms.DateField(label=gettext_lazy("收到日期"), required=False, widget=DATE,
                         help_text=gettext_lazy("默认为今天；信件按本机关收到之日填写"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])


def _lookup(user, number: str):
    try:
        return A.review_intake_lookup(user, number=number)
    except NotFound:
        return None


@login_required
def review_intake(request):
    """Find the case by number (GET ?number=), or register the request (POST)."""
    if not may(request.user, "review_intake"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有县级以上机关的登记受理人员登记复查、复核申请（第三十五条）"))
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    lookup = LookupForm({"number": number} if number else None)
    found = _lookup(request.user, number) if number and lookup.is_valid() else None
    context = {"lookup": lookup, "found": found, "number": number,
               "stage": STAGES[found.stage_label] if found else ""}
    if number and found is None:
        context["not_found"] = True
        return render(request, "web/review_intake.html", context, status=404)
    if found is None:
        return render(request, "web/review_intake.html", context)
    form = ReviewIntakeForm(request.POST if request.method == "POST" else None, units=found.units)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ask = A.case_request_review if found.action == "request_review" else A.case_request_rereview
        unit_field = "review_unit_id" if found.action == "request_review" else "rereview_unit_id"
        try:
            case = ask(request.user, number=found.case.number, reason=d["reason"], on=d["on"],
                       **{unit_field: d["unit_id"].pk})
        except CaseworkError as e:
            _add_error(form, e if e.field != unit_field else CaseworkError(e.code, e.message, "unit_id"))
        else:
            messages.success(request, _("已登记%(stage)s申请，案件已转入本机关") % {"stage": context["stage"]})
            return redirect("case_detail", case_id=case.pk)
    return render(request, "web/review_intake.html", context, status=400 if form.is_bound else 200)
