from django import forms
from django.utils.translation import gettext_lazy as _

from casework import limits
from casework.organisation.models import Unit, UnitKind
from casework.rules.lifecycle import SATISFACTION_LABELS
from casework.web.forms import LimitedText, MultipleFileField
from casework.web.pickers import UnitMultipleChoiceField


class SubmitForm(forms.Form):
    unit_id = forms.ModelChoiceField(
        queryset=Unit.objects.filter(is_active=True, kind=UnitKind.PETITION_OFFICE).select_related("jurisdiction"),
        label=_("向哪个信访部门反映"), empty_label=_("请选择"),
    )
    # Art 19 ¶1: 「一般应当」 give them; without them the matter is still registered (Art 22 ¶1, 23 ¶2).
    name = LimitedText(limits.COMPLAINANT_NAME, label=_("姓名（名称）"), required=False)
    address = LimitedText(limits.COMPLAINANT_ADDRESS, label=_("住址"), required=False,
                          help_text=_("不填姓名或住址也可以提交，但我们无法向您寄送书面告知，请凭查询码在网上查询"))
    phone = LimitedText(limits.PHONE, label=_("联系电话"), required=False)
    request = LimitedText(limits.REQUEST, label=_("投诉请求"), rows=3, help_text=_("您希望解决什么问题"))
    facts_reasons = LimitedText(limits.FACTS_REASONS, label=_("事实和理由"), rows=6)
    # Art 30 ¶3: whom the complaint is about; they never see who complained nor what was reported
    respondent_unit_ids = UnitMultipleChoiceField(
        label=_("投诉、检举的单位（如有）"), required=False,
        help_text=_("被投诉的单位和人员看不到您的姓名、联系方式和反映的材料（《信访工作条例》第三十条第三款）"))
    respondent_text = LimitedText(limits.RESPONDENT_TEXT, label=_("投诉、检举的人员（姓名、职务，如有）"), required=False)
    attachments = MultipleFileField(label=_("附件"), required=False, help_text=_("PDF、图片、Word 或文本，每个不超过 10 MB"))


class LookupForm(forms.Form):
    number = LimitedText(limits.CASE_NUMBER, label=_("案件编号"))
    code = LimitedText(limits.ACCESS_CODE, label=_("查询码"), widget=forms.PasswordInput(render_value=False))


class ReviewForm(forms.Form):
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("向哪个机关申请"), empty_label=None)
    reason = LimitedText(limits.REVIEW_REQUEST, label=_("请求和理由"), rows=4)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("您对办理结果是否满意"), choices=[(k.value, _(v)) for k, v in SATISFACTION_LABELS.items()],
                                     widget=forms.RadioSelect)
    comment = LimitedText(limits.RATING_COMMENT, label=_("您的意见"), rows=2, required=False, help_text=_("可不填"))


class WithdrawForm(forms.Form):
    reason = LimitedText(limits.WITHDRAWAL_STATEMENT, label=_("撤回说明"), rows=2)
