from django import forms
from django.utils.translation import gettext_lazy as _

from casework.organisation.models import Unit, UnitKind
from casework.rules.lifecycle import SATISFACTION_LABELS
from casework.web.forms import MultipleFileField


class SubmitForm(forms.Form):
    unit_id = forms.ModelChoiceField(
        queryset=Unit.objects.filter(is_active=True, kind=UnitKind.PETITION_OFFICE).select_related("jurisdiction"),
        label=_("向哪个信访部门反映"), empty_label=_("请选择"),
    )
    name = forms.CharField(label=_("姓名（名称）"), max_length=100)
    address = forms.CharField(label=_("住址"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    request = forms.CharField(label=_("投诉请求"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000,
                              help_text=_("您希望解决什么问题"))
    facts_reasons = forms.CharField(label=_("事实和理由"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    attachments = MultipleFileField(label=_("附件"), required=False, help_text=_("PDF、图片、Word 或文本，每个不超过 10 MB"))


class LookupForm(forms.Form):
    number = forms.CharField(label=_("案件编号"), max_length=40)
    code = forms.CharField(label=_("查询码"), max_length=20, widget=forms.PasswordInput(render_value=False))


class ReviewForm(forms.Form):
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("向哪个机关申请"), empty_label=None)
    reason = forms.CharField(label=_("请求和理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("您对办理结果是否满意"), choices=[(k.value, _(v)) for k, v in SATISFACTION_LABELS.items()],
                                     widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见（可不填）"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
