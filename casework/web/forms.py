"""Forms for every staff action. Field names are the action's keyword arguments,
so an error the action raises (``CaseworkError.field``) lands beside its field."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casework.cases.models import Channel
from casework.organisation.models import Membership, Unit
from casework.rules.clocks import MAX_EXTENSION_DAYS
from casework.rules.lifecycle import OUTCOME_LABELS, REVIEW_DECISION_LABELS, ROUTE_LABELS, ReviewDecision, Role

DATE = forms.DateInput(attrs={"type": "date"})


class OnForm(forms.Form):
    on = forms.DateField(label=_("日期"), required=False, widget=DATE, help_text=_("默认为今天；补录纸质材料时填写实际日期"))


def unit_choice(label=_("单位"), required=True, queryset=None):
    return forms.ModelChoiceField(
        queryset=queryset if queryset is not None else Unit.objects.filter(is_active=True).select_related("jurisdiction"),
        label=label, required=required,
    )


class ForwardForm(OnForm):
    to_unit_id = unit_choice(_("转送至"))
    note = forms.CharField(label=_("转送说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(OnForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RedirectForm(OnForm):
    route = forms.ChoiceField(label=_("应当告知的法定途径"), choices=[(k.value, _(v)) for k, v in ROUTE_LABELS.items()])
    reason = forms.CharField(label=_("告知理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class MergeForm(OnForm):
    into_number = forms.CharField(label=_("并入案件编号"), max_length=40, help_text=_("正在办理的原信访事项"))


def officials_of(unit):
    return forms.ModelChoiceField(
        queryset=_officials(unit), label=_("包案领导"), required=False,
    )


def _officials(unit):
    from django.contrib.auth import get_user_model

    ids = Membership.objects.filter(role=Role.ACCOUNTABLE_OFFICIAL, unit=unit).values("user_id") if unit else []
    return get_user_model().objects.filter(pk__in=ids)


class AcceptForm(OnForm):
    accountable_official_id = forms.ModelChoiceField(queryset=_officials(None), label=_("包案领导"), required=False)
    note = forms.CharField(label=_("受理说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["accountable_official_id"].queryset = _officials(case.current_unit)


class AssignForm(OnForm):
    lead_unit_id = unit_choice(_("主办单位"), required=False)
    accountable_official_id = forms.ModelChoiceField(queryset=_officials(None), label=_("包案领导"), required=False)
    co_unit_ids = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.filter(is_active=True), label=_("协办单位"), required=False
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        ids = Membership.objects.filter(role=Role.ACCOUNTABLE_OFFICIAL).values("user_id")
        self.fields["accountable_official_id"].queryset = get_user_model().objects.filter(pk__in=ids)


class StepForm(OnForm):
    kind = forms.ChoiceField(label=_("环节"), choices=[
        ("contact", _("联系信访人")), ("investigation", _("调查核实")), ("hearing_of_views", _("听取意见")),
        ("coordination", _("协调会商")), ("other", _("其他"))])
    note = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ExtensionRequestForm(OnForm):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=MAX_EXTENSION_DAYS,
                              help_text=format_lazy(_("不超过 {days} 日（第三十四条）"), days=MAX_EXTENSION_DAYS))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ExtensionApproveForm(OnForm):
    days = forms.IntegerField(label=_("批准延长天数"), min_value=1, max_value=MAX_EXTENSION_DAYS, required=False,
                              help_text=_("不填则按申请天数批准"))


# the rules core's labels are msgids (casework/web/i18n_labels.py): translated when shown
OUTCOMES = [(k.value, _(v)) for k, v in OUTCOME_LABELS.items()]


REQUEST_ROWS = 5  # rows for a reply that answers several requests one by one (the API takes more)


class ReplyForm(OnForm):
    """The 处理意见书 (Art 32): one outcome, or one per request when the matter has several."""

    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=OUTCOMES, widget=forms.RadioSelect, required=False,
        help_text=_("有多项请求且结果不同的，不选此项，在下面逐项填写"),
    )
    reasons = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    opinion = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    legal_basis = forms.CharField(label=_("法律法规依据"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    received_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE, help_text=_("复查申请期自收到之日起算"))

    detail_label = _("逐项答复（有多项请求、结果不同时）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.detail_fields = [f"{k}_{i}" for i in range(1, REQUEST_ROWS + 1) for k in ("request", "outcome")]
        for i in range(1, REQUEST_ROWS + 1):
            self.fields[f"request_{i}"] = forms.CharField(
                label=format_lazy(_("第{n}项请求"), n=i), required=False, max_length=2000)
            self.fields[f"outcome_{i}"] = forms.ChoiceField(
                label=format_lazy(_("第{n}项请求的处理结果"), n=i), required=False,
                choices=[("", "—"), *OUTCOMES])

    def clean(self):
        data = super().clean()
        items = []
        for i in range(1, REQUEST_ROWS + 1):
            request, outcome = (data.get(f"request_{i}") or "").strip(), data.get(f"outcome_{i}") or ""
            if request and not outcome:
                self.add_error(f"outcome_{i}", _("请选择该项请求的处理结果（第三十二条）"))
            elif outcome and not request:
                self.add_error(f"request_{i}", _("请填写该项请求的内容"))
            elif request:
                items.append({"request": request, "outcome": outcome})
        if items and data.get("outcome"):
            self.add_error("outcome", _("逐项填写了处理结果的，不再选择总的处理结果（第三十二条）"))
        elif len(items) == 1:
            self.add_error("request_2", _("逐项答复时至少填写两项请求（第三十二条）"))
        elif not items and not data.get("outcome") and not self.errors:
            self.add_error("outcome", _("请选择处理结果：支持、解释说明或不予支持（第三十二条）"))
        data["outcomes"] = items
        return data

    @property
    def detail_open(self) -> bool:
        """The rows stay open when they were used (or hold an error)."""
        return self.is_bound and any(self.data.get(self.add_prefix(name)) or self.errors.get(name)
                                     for name in self.detail_fields)


# Art 35, 36: what a 复查/复核 body decides (责令重新处理 is its own action, OrderRedoForm)
DECISIONS = [(k.value, _(v)) for k, v in REVIEW_DECISION_LABELS.items() if k != ReviewDecision.REDO]


class DecisionForm(OnForm):
    """A 复查 or 复核 opinion: 维持, 撤销 or 变更, with the findings and the legal basis (Art 35, 36)."""

    decision = forms.ChoiceField(label=_("结论"), choices=DECISIONS, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("认定的事实和理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    opinion = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    legal_basis = forms.CharField(label=_("法律法规依据"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class DecideReviewForm(DecisionForm):
    received_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE, help_text=_("复核申请期自收到之日起算"))


class OrderRedoForm(OnForm):
    """责令重新处理 (Art 35, 36): back to the unit that replied, with the findings, the order and its basis."""

    findings = forms.CharField(label=_("认定的事实和理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    opinion = forms.CharField(label=_("重新处理的要求"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    legal_basis = forms.CharField(label=_("法律法规依据"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class NoteForm(OnForm):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class RecuseForm(forms.Form):
    reason = forms.CharField(label=_("回避理由"), max_length=200)


class SuperviseForm(forms.Form):
    instruction = forms.CharField(label=_("督办要求"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    days = forms.IntegerField(label=_("期限（工作日）"), min_value=1, max_value=60, initial=5)


class SupervisionAnswerForm(forms.Form):
    answer = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


# -- intake -----------------------------------------------------------------------


class ComplainantForm(forms.Form):
    name = forms.CharField(label=_("姓名（名称）"), max_length=100)
    address = forms.CharField(label=_("住址"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)


ComplainantFormSet = forms.formset_factory(
    ComplainantForm, extra=0, min_num=1, max_num=5, validate_min=True, validate_max=True,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


ROUTE_NEXT = [
    ("", _("暂不处理（仅登记）")),
    ("forward", _("转送有权处理的单位")),
    ("accept", _("本单位受理")),
    ("redirect", _("告知通过其他法定途径解决")),
]


class IntakeForm(forms.Form):
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("登记单位"))
    channel = forms.ChoiceField(label=_("来源渠道"), choices=[(k, _(v)) for k, v in Channel.choices], initial=Channel.VISIT)
    received_on = forms.DateField(label=_("收到日期"), required=False, widget=DATE, help_text=_("默认为今天"))
    group_size = forms.IntegerField(label=_("人数"), min_value=1, required=False, help_text=_("集体访时填写总人数"))
    title = forms.CharField(label=_("标题"), max_length=200, required=False, help_text=_("不填则取投诉请求开头"))
    request = forms.CharField(label=_("投诉请求"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    facts_reasons = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    category = forms.CharField(label=_("事项分类"), max_length=60, required=False)
    respondent_unit_ids = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.filter(is_active=True), label=_("被投诉单位"), required=False,
        help_text=_("被投诉单位看不到信访人信息和材料（第三十条第三款）"),
    )
    respondent_text = forms.CharField(label=_("被投诉对象（其他）"), max_length=200, required=False)
    attachments = MultipleFileField(label=_("附件"), required=False, help_text=_("PDF、图片、Word 或文本，每个不超过 10 MB"))
    next_step = forms.ChoiceField(label=_("登记后"), choices=ROUTE_NEXT, required=False)
    to_unit_id = unit_choice(_("转送至"), required=False)
    route = forms.ChoiceField(label=_("法定途径"), choices=[("", "—")] + [(k.value, _(v)) for k, v in ROUTE_LABELS.items()], required=False)
    route_reason = forms.CharField(label=_("告知理由"), max_length=2000, required=False)
    # set by a "登记并并入" button beside a related case: register, then merge into that case (Art 19 ¶3)
    merge_into = forms.CharField(label=_("并入案件编号"), max_length=40, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit_id"].initial = units[0].pk
            self.fields["unit_id"].empty_label = None

    def clean(self):
        data = super().clean()
        step = data.get("next_step")
        if step == "forward" and not data.get("to_unit_id"):
            self.add_error("to_unit_id", _("请选择转送单位"))
        if step == "redirect":
            if not data.get("route"):
                self.add_error("route", _("请选择法定途径"))
            if not (data.get("route_reason") or "").strip():
                self.add_error("route_reason", _("请填写告知理由"))
        return data


