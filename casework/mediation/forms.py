from django import forms
from django.utils.translation import gettext_lazy as _

from casework.organisation.models import Unit
from casework.rules.lifecycle import Role
from casework.rules.mediation import DISPUTE_TYPE_LABELS
from casework.web.forms import DATE
from casework.web.pickers import PersonChoiceField, UnitChoiceField


def _mediators(**kwargs):
    """调解员, each shown by name with their committee (「郑军（幸福村人民调解委员会）」), never by login name."""
    return PersonChoiceField(role=Role.MEDIATOR, label=_("调解员"), **kwargs)


class PartyForm(forms.Form):
    name = forms.CharField(label=_("当事人姓名（名称）"), max_length=100)
    address = forms.CharField(label=_("住址"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=40)
    claims = forms.CharField(label=_("请求"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


PartyFormSet = forms.formset_factory(PartyForm, extra=0, min_num=2, max_num=20, validate_min=True, validate_max=True)


class RegisterForm(forms.Form):
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("登记单位"))
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), choices=[(k.value, _(v)) for k, v in DISPUTE_TYPE_LABELS.items()])
    facts = forms.CharField(label=_("纠纷事实"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    received_on = forms.DateField(label=_("登记日期"), required=False, widget=DATE)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit_id"].initial = units[0].pk
            self.fields["unit_id"].empty_label = None


class AssignForm(forms.Form):
    mediator_id = _mediators()
    chosen_by_parties = forms.BooleanField(label=_("由当事人选择（第十九条）"), required=False)


class SessionForm(forms.Form):
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    attendees = forms.CharField(label=_("参加人员"), max_length=500)
    public = forms.BooleanField(label=_("公开调解（当事人选择，第二十三条）"), required=False)
    summary = forms.CharField(label=_("调解情况（各方陈述）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    proposals = forms.CharField(label=_("调解方案"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20000, required=False)


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("上交理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    unit_id = UnitChoiceField(label=_("上交至（牵头单位）"))
    mediator_id = _mediators(required=False)
    target_on = forms.DateField(label=_("调解目标日期"), required=False, widget=DATE)


class EndForm(forms.Form):
    party = forms.CharField(label=_("拒绝或要求终止调解的当事人"), max_length=100)
    reason = forms.CharField(label=_("说明"), max_length=2000, required=False)


class FailForm(forms.Form):
    reason = forms.CharField(label=_("终止理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AgreeForm(forms.Form):
    form = forms.ChoiceField(label=_("协议形式"), choices=[("written", _("书面协议")), ("oral", _("口头协议（第二十八条）"))],
                             widget=forms.RadioSelect, initial="written")
    facts_responsibility = forms.CharField(label=_("纠纷主要事实、争议事项及各方责任"), widget=forms.Textarea(attrs={"rows": 3}))
    terms = forms.CharField(label=_("协议内容（每行一项）"), widget=forms.Textarea(attrs={"rows": 3}))
    performance_manner = forms.CharField(label=_("履行方式"), max_length=5000)
    performance_deadline = forms.DateField(label=_("履行期限"), widget=DATE, required=False)
    signed = forms.BooleanField(label=_("各方当事人已签名、盖章或按指印，调解员已签名（第二十九条第二款）"), required=False)
    effective_on = forms.DateField(label=_("生效日期"), required=False, widget=DATE, help_text=_("默认为今天"))


class PerformanceForm(forms.Form):
    performed = forms.TypedChoiceField(label=_("履行情况"), choices=[("1", _("已履行")), ("0", _("未履行"))],
                                       coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("回访情况"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("回避理由"), max_length=200)
