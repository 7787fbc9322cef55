"""Forms for every staff action. Field names are the action's keyword arguments,
so an error the action raises (``CaseworkError.field``) lands beside its field."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework import limits
from casework.cases import targets
from casework.cases.models import Channel
from casework.organisation.models import Unit
from casework.rules.clocks import MAX_EXTENSION_DAYS
from casework.rules.lifecycle import (
    DELIVERY_MANNER_LABELS, OUTCOME_LABELS, REVIEW_DECISION_LABELS, ROUTE_LABELS, ReviewDecision, Role,
)

from .pickers import PersonChoiceField, StaffMultipleChoiceField, UnitChoiceField, UnitMultipleChoiceField

DATE = forms.DateInput(attrs={"type": "date"})


class LimitedText(forms.CharField):
    """Text with its limit from ``casework/limits.py``.

    Over the limit the form says so beside the field, naming it and the limit
    (「投诉请求不得超过 5000 字（现有 6012 字）」), never Django's 「确保该变量……」; a missing one says
    「请填写投诉请求」. No ``maxlength`` attribute: a browser cuts a longer paste short without a word.
    """

    def __init__(self, limit: limits.TextLimit, *, rows: int | None = None, **kwargs):
        self.limit = limit
        if rows is not None:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)
        if self.label:  # 「请填写投诉请求」 rather than 「这个字段是必填项」
            self.error_messages["required"] = format_lazy(_("请填写{field}"), field=self.label)

    def validate(self, value):
        super().validate(value)
        if value and self.limit.exceeded_by(value):
            raise ValidationError(
                gettext("%(field)s不得超过 %(limit)d 字（现有 %(count)d 字）")
                % {"field": self.label or self.limit.label, "limit": self.limit.max_length, "count": len(value)},
                code="max_length",
            )


class OnForm(forms.Form):
    """An action's form. ``case``: the case it acts on, for the choices that depend on it (``for_case``)."""

    on = forms.DateField(label=_("日期"), required=False, widget=DATE, help_text=_("默认为今天；补录纸质材料时填写实际日期"))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.for_case(case)

    def for_case(self, case) -> None:
        """Narrow the choices to what the action accepts on this case."""


def unit_choice(label=_("单位"), required=True):
    return UnitChoiceField(label=label, required=required)


class ForwardForm(OnForm):
    to_unit_id = unit_choice(_("转送至"))
    note = LimitedText(limits.FORWARD_NOTE, label=_("转送说明"), required=False, rows=2)

    def for_case(self, case) -> None:
        """The units ``case_forward`` accepts: ``targets.forward_refusal``."""
        field, refused = self.fields["to_unit_id"], targets.respondent_ids(case)
        field.offer(targets.forward_targets(current_unit_id=case.current_unit_id, respondent_unit_ids=refused))
        field.refusal = lambda u: targets.forward_refusal(u, current_unit_id=case.current_unit_id,
                                                          respondent_unit_ids=refused)


class ObjectionForm(OnForm):
    reason = LimitedText(limits.OBJECTION_REASON, label=_("异议理由"), rows=3)


class ObjectionDecisionForm(OnForm):
    """The sending body's answer to an objection (Art 23 ¶3 「核实同意」)."""

    reason = LimitedText(limits.OBJECTION_DECISION, label=_("核实意见"), rows=3)


class DeliveryForm(OnForm):
    """The day and manner the 处理意见书 reached the complainant: the review window runs from that day (Art 35)."""

    received_on = forms.DateField(label=_("送达日期"), widget=DATE, help_text=_("信访人收到处理意见书的日期"))
    manner = forms.ChoiceField(label=_("送达方式"), choices=[(k.value, _(v)) for k, v in DELIVERY_MANNER_LABELS.items()])


class RepeatRefusalForm(OnForm):
    """不予受理: the same facts and reasons were finally decided on re-review (Art 36 ¶3)."""

    final_number = LimitedText(limits.CASE_NUMBER, label=_("已复核终结的原信访事项编号"))
    reason = LimitedText(limits.REPEAT_REASON, label=_("不予受理的理由"), rows=3,
                         help_text=_("说明本次请求与原信访事项的事实和理由相同"))


class WithdrawalLetterForm(OnForm):
    """A withdrawal the complainant made in writing: the statement and the scan of the signed letter."""

    reason = LimitedText(limits.WITHDRAWAL_STATEMENT, label=_("撤回说明"), rows=3,
                         help_text=_("信访人撤回书所写的撤回理由"))
    letter = forms.FileField(label=_("信访人签名的撤回书（扫描件）"),
                             help_text=_("撤回须由信访人本人提出；没有签名的撤回书不能登记撤回"),
                             error_messages={"required": _("请上传信访人签名的撤回书扫描件")})


class RedirectForm(OnForm):
    route = forms.ChoiceField(label=_("应当告知的法定途径"), choices=[(k.value, _(v)) for k, v in ROUTE_LABELS.items()])
    body = LimitedText(limits.ROUTE_BODY, label=_("承办机关"), required=False,
                       help_text=_("检举控告：转送的纪检监察机关；请求履行职责：负有该职责的机关"))
    reason = LimitedText(limits.REDIRECT_REASON, label=_("告知理由"), rows=3)


class MergeForm(OnForm):
    into_number = LimitedText(limits.CASE_NUMBER, label=_("并入案件编号"),
                              help_text=_("正在办理（尚未答复）的原信访事项；已答复的，应当申请复查或作为新的信访事项办理"))


def officials_field(units=None):
    """包案领导: the accountable officials of these units (``handling._official`` accepts no one else)."""
    return PersonChoiceField(role=Role.ACCOUNTABLE_OFFICIAL, units=units, label=_("包案领导"), required=False)


class AcceptForm(OnForm):
    accountable_official_id = officials_field(units=())
    note = LimitedText(limits.ACCEPT_NOTE, label=_("受理说明"), required=False, rows=2)

    def for_case(self, case) -> None:
        self.fields["accountable_official_id"].offer([case.current_unit_id])


class AssignForm(OnForm):
    lead_unit_id = unit_choice(_("主办单位"), required=False)
    accountable_official_id = officials_field()
    co_unit_ids = UnitMultipleChoiceField(label=_("协办单位"), required=False)

    def for_case(self, case) -> None:
        """Lead and co-handling units ``case_assign`` accepts (``targets.handling_refusal``); the officials of them."""
        refused = targets.respondent_ids(case)
        units = targets.handling_targets(respondent_unit_ids=refused)
        for name in ("lead_unit_id", "co_unit_ids"):
            self.fields[name].offer(units)
            self.fields[name].refusal = lambda u: targets.handling_refusal(u, respondent_unit_ids=refused)
        self.fields["accountable_official_id"].offer(units)


class RespondentsForm(OnForm):
    """Who the complaint is about (Art 30 ¶3): named, added to or corrected, with the reason."""

    unit_ids = UnitMultipleChoiceField(label=_("被投诉单位"), required=False,
                                       help_text=_("被投诉单位看不到信访人信息和材料（第三十条第三款）"))
    official_ids = StaffMultipleChoiceField(label=_("被投诉人员"), required=False,
                                            help_text=_("被投诉人员看不到本案"))
    respondent_text = LimitedText(limits.RESPONDENT_TEXT, label=_("被投诉对象（其他）"), required=False)
    reason = LimitedText(limits.RESPONDENT_REASON, label=_("更正理由"), rows=2)

    def for_case(self, case) -> None:
        self.fields["unit_ids"].queryset = Unit.objects.all()
        self.initial.update(unit_ids=list(case.respondent_units.values_list("pk", flat=True)),
                            official_ids=list(case.respondent_officials.values_list("pk", flat=True)),
                            respondent_text=case.respondent_text)


class AllowRespondentHandlingForm(OnForm):
    """A supervisor's leave for a unit complained about to handle the case (Art 30 ¶3); identity stays withheld."""

    unit_id = unit_choice(_("被投诉单位"))
    reason = LimitedText(limits.RESPONDENT_REASON, label=_("批准理由"), rows=2,
                         help_text=_("如：该单位是唯一有权处理的机关。信访人身份和附件仍不向其显示"))

    def for_case(self, case) -> None:
        self.fields["unit_id"].offer(case.respondent_units.all())


class StepForm(OnForm):
    kind = forms.ChoiceField(label=_("环节"), choices=[
        ("contact", _("联系信访人")), ("investigation", _("调查核实")), ("hearing_of_views", _("听取意见")),
        ("coordination", _("协调会商")), ("other", _("其他"))])
    note = LimitedText(limits.STEP_NOTE, label=_("办理情况"), rows=3)


class ExtensionRequestForm(OnForm):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=MAX_EXTENSION_DAYS,
                              help_text=format_lazy(_("不超过 {days} 日（第三十四条）"), days=MAX_EXTENSION_DAYS))
    reason = LimitedText(limits.EXTENSION_REASON, label=_("延期理由"), rows=3)


class ExtensionApproveForm(OnForm):
    days = forms.IntegerField(label=_("批准延长天数"), min_value=1, max_value=MAX_EXTENSION_DAYS, required=False,
                              help_text=_("不填则按申请天数批准"))


class ExtensionRefuseForm(OnForm):
    reason = forms.CharField(label=_("不予批准的理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


# the rules core's labels are msgids (casework/web/i18n_labels.py): translated when shown
OUTCOMES = [(k.value, _(v)) for k, v in OUTCOME_LABELS.items()]


REQUEST_ROWS = 5  # rows for a reply that answers several requests one by one (the API takes more)


class ReplyForm(OnForm):
    """The 处理意见书 (Art 32): one outcome, or one per request when the matter has several."""

    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=OUTCOMES, widget=forms.RadioSelect, required=False,
        help_text=_("有多项请求且结果不同的，不选此项，在下面逐项填写"),
    )
    reasons = LimitedText(limits.REPLY_REASONS, label=_("事实和理由"), rows=4)
    opinion = LimitedText(limits.REPLY_OPINION, label=_("处理意见"), rows=4)
    legal_basis = LimitedText(limits.LEGAL_BASIS, label=_("法律法规依据"), rows=2)
    received_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE, help_text=_("复查申请期自收到之日起算"))

    detail_label = _("逐项答复（有多项请求、结果不同时）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.detail_fields = [f"{k}_{i}" for i in range(1, REQUEST_ROWS + 1) for k in ("request", "request_outcome")]
        for i in range(1, REQUEST_ROWS + 1):
            self.fields[f"request_{i}"] = LimitedText(
                limits.REQUEST_ITEM, label=format_lazy(_("第{n}项请求"), n=i), required=False)
            self.fields[f"request_outcome_{i}"] = forms.ChoiceField(
                label=format_lazy(_("第{n}项请求的处理结果"), n=i), required=False,
                choices=[("", "—"), *OUTCOMES])

    def clean(self):
        data = super().clean()
        items = []
        for i in range(1, REQUEST_ROWS + 1):
            request, outcome = (data.get(f"request_{i}") or "").strip(), data.get(f"request_outcome_{i}") or ""
            if request and not outcome:
                self.add_error(f"request_outcome_{i}", _("请选择该项请求的处理结果（第三十二条）"))
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
    findings = LimitedText(limits.DECISION_FINDINGS, label=_("认定的事实和理由"), rows=4)
    opinion = LimitedText(limits.REVIEW_OPINION, label=_("意见"), rows=4)
    legal_basis = LimitedText(limits.LEGAL_BASIS, label=_("法律法规依据"), rows=2)


class DecideReviewForm(DecisionForm):
    opinion = LimitedText(limits.REVIEW_OPINION, label=_("意见"), rows=4)
    received_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE, help_text=_("复核申请期自收到之日起算"))


class HearingStartForm(OnForm):
    note = LimitedText(limits.HEARING_NOTE, label=_("说明"), required=False, rows=2)


class HearingEndForm(OnForm):
    note = LimitedText(limits.HEARING_CONCLUSION, label=_("说明"), required=False, rows=2)


class OrderRedoForm(OnForm):
    """责令重新处理 (Art 35, 36): back to the unit that replied, with the findings, the order and its basis."""

    findings = LimitedText(limits.DECISION_FINDINGS, label=_("认定的事实和理由"), rows=4)
    opinion = LimitedText(limits.REVIEW_OPINION, label=_("重新处理的要求"), rows=3)
    legal_basis = LimitedText(limits.LEGAL_BASIS, label=_("法律法规依据"), rows=2)


class RecuseForm(forms.Form):
    reason = LimitedText(limits.RECUSAL_REASON, label=_("回避理由"))


class SuperviseForm(forms.Form):
    instruction = LimitedText(limits.SUPERVISION_INSTRUCTION, label=_("督办要求"), rows=3)
    days = forms.IntegerField(label=_("期限（工作日）"), min_value=1, max_value=60, initial=5)


class SupervisionAnswerForm(forms.Form):
    answer = LimitedText(limits.SUPERVISION_ANSWER, label=_("办理情况"), rows=3)


# -- intake -----------------------------------------------------------------------


class ComplainantForm(forms.Form):
    """Name and address 「一般应当」 be given (Art 19 ¶1); a matter without them is registered all the same,
    only the written notice lapses (Art 22 ¶1, 23 ¶2)."""

    name = LimitedText(limits.COMPLAINANT_NAME, label=_("姓名（名称）"), required=False)
    address = LimitedText(limits.COMPLAINANT_ADDRESS, label=_("住址"), required=False)
    phone = LimitedText(limits.PHONE, label=_("联系电话"), required=False)


# No max_num: how many persons one matter may name depends on its channel (rules.intake,
# Art 20 ¶3 binds group visits only), which the registration action decides and says.
ComplainantFormSet = forms.formset_factory(ComplainantForm, extra=0, min_num=1, validate_min=False)


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
    """Register, and take the route decided at the desk. ``routes``: for each of the clerk's units, the route
    actions the lifecycle table lets them take on a case registered there (``web.intake.intake_routes``)."""

    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("登记单位"))
    channel = forms.ChoiceField(label=_("来源渠道"), choices=[(k, _(v)) for k, v in Channel.choices], initial=Channel.VISIT)
    received_on = forms.DateField(label=_("收到日期"), required=False, widget=DATE, help_text=_("默认为今天"))
    group_size = forms.IntegerField(label=_("人数"), min_value=1, required=False, help_text=_("集体访时填写总人数"))
    title = LimitedText(limits.TITLE, label=_("标题"), required=False, help_text=_("不填则取投诉请求开头"))
    request = LimitedText(limits.REQUEST, label=_("投诉请求"), rows=3)
    facts_reasons = LimitedText(limits.FACTS_REASONS, label=_("事实和理由"), rows=5)
    category = LimitedText(limits.CATEGORY, label=_("事项分类"), required=False)
    respondent_unit_ids = UnitMultipleChoiceField(
        label=_("被投诉单位"), required=False, help_text=_("被投诉单位看不到信访人信息和材料（第三十条第三款）"),
    )
    respondent_text = LimitedText(limits.RESPONDENT_TEXT, label=_("被投诉对象（其他）"), required=False)
    attachments = MultipleFileField(label=_("附件"), required=False, help_text=_("PDF、图片、Word 或文本，每个不超过 10 MB"))
    next_step = forms.ChoiceField(label=_("登记后"), choices=ROUTE_NEXT, required=False)
    to_unit_id = unit_choice(_("转送至"), required=False)
    route = forms.ChoiceField(label=_("法定途径"), choices=[("", "—")] + [(k.value, _(v)) for k, v in ROUTE_LABELS.items()], required=False)
    route_reason = LimitedText(limits.REDIRECT_REASON, label=_("告知理由"), required=False)
    # set by a "登记并并入" button beside a related case: register, then merge into that case (Art 19 ¶3)
    merge_into = LimitedText(limits.CASE_NUMBER, label=_("并入案件编号"), required=False)

    def __init__(self, *args, units=(), routes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.routes = routes if routes is not None else {u.pk: {"forward", "accept", "redirect"} for u in units}
        anywhere = set().union(*self.routes.values()) if self.routes else set()
        # offered: the routes the table allows at one of their units; a route posted anyway is refused in clean()
        self.fields["next_step"].widget.choices = [(k, v) for k, v in ROUTE_NEXT if not k or k in anywhere]
        self.fields["unit_id"].widget.attrs["data-routes"] = json.dumps({str(u): sorted(r) for u, r in self.routes.items()})
        here = units[0].pk if len(units) == 1 else None
        self.fields["to_unit_id"].offer(targets.forward_targets(current_unit_id=here))
        self.fields["to_unit_id"].refusal = lambda u: targets.forward_refusal(u, current_unit_id=here, respondent_unit_ids=())
        if len(units) == 1:
            self.fields["unit_id"].initial = units[0].pk
            self.fields["unit_id"].empty_label = None

    def clean(self):
        data = super().clean()
        step = data.get("next_step")
        unit = data.get("unit_id")
        if step and unit is not None and step not in self.routes.get(unit.pk, ()):
            # the same table as the action: nothing is registered only to fail on its route
            label = dict(ROUTE_NEXT)[step]
            self.add_error("next_step", _("您在%(unit)s不能“%(step)s”，请选择其他去向") % {"unit": unit.name, "step": label})
            return data
        if step == "forward" and not data.get("to_unit_id"):
            self.add_error("to_unit_id", _("请选择转送单位"))
        if step == "redirect":
            if not data.get("route"):
                self.add_error("route", _("请选择法定途径"))
            if not (data.get("route_reason") or "").strip():
                self.add_error("route_reason", _("请填写告知理由"))
        return data


