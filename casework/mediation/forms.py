from django import forms

from casework.organisation.models import Membership, Unit
from casework.rules.lifecycle import Role
from casework.rules.mediation import DISPUTE_TYPE_LABELS
from casework.web.forms import DATE


def _mediators():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=Membership.objects.filter(role=Role.MEDIATOR).values("user_id"))


class PartyForm(forms.Form):
    name = forms.CharField(label="当事人姓名（名称）", max_length=100)
    address = forms.CharField(label="住址", max_length=200)
    phone = forms.CharField(label="联系电话", max_length=40)
    claims = forms.CharField(label="请求", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


PartyFormSet = forms.formset_factory(PartyForm, extra=0, min_num=2, max_num=20, validate_min=True, validate_max=True)


class RegisterForm(forms.Form):
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label="登记单位")
    dispute_type = forms.ChoiceField(label="纠纷类型", choices=[(k.value, v) for k, v in DISPUTE_TYPE_LABELS.items()])
    facts = forms.CharField(label="纠纷事实", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    received_on = forms.DateField(label="登记日期", required=False, widget=DATE)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit_id"].initial = units[0].pk
            self.fields["unit_id"].empty_label = None


class AssignForm(forms.Form):
    mediator_id = forms.ModelChoiceField(queryset=_mediators(), label="调解员")
    chosen_by_parties = forms.BooleanField(label="由当事人选择（第十九条）", required=False)


class SessionForm(forms.Form):
    on = forms.DateField(label="日期", required=False, widget=DATE)
    attendees = forms.CharField(label="参加人员", max_length=500)
    public = forms.BooleanField(label="公开调解（当事人选择，第二十三条）", required=False)
    summary = forms.CharField(label="调解情况（各方陈述）", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    proposals = forms.CharField(label="调解方案", widget=forms.Textarea(attrs={"rows": 2}), max_length=20000, required=False)


class EscalateForm(forms.Form):
    reason = forms.CharField(label="上交理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.filter(is_active=True), label="上交至（牵头单位）")
    mediator_id = forms.ModelChoiceField(queryset=_mediators(), label="调解员", required=False)
    target_on = forms.DateField(label="调解目标日期", required=False, widget=DATE)


class EndForm(forms.Form):
    party = forms.CharField(label="拒绝或要求终止调解的当事人", max_length=100)
    reason = forms.CharField(label="说明", max_length=2000, required=False)


class FailForm(forms.Form):
    reason = forms.CharField(label="终止理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AgreeForm(forms.Form):
    form = forms.ChoiceField(label="协议形式", choices=[("written", "书面协议"), ("oral", "口头协议（第二十八条）")],
                             widget=forms.RadioSelect, initial="written")
    facts_responsibility = forms.CharField(label="纠纷主要事实、争议事项及各方责任", widget=forms.Textarea(attrs={"rows": 3}))
    terms = forms.CharField(label="协议内容（每行一项）", widget=forms.Textarea(attrs={"rows": 3}))
    performance_manner = forms.CharField(label="履行方式", max_length=5000)
    performance_deadline = forms.DateField(label="履行期限", widget=DATE, required=False)
    signed = forms.BooleanField(label="各方当事人已签名、盖章或按指印，调解员已签名（第二十九条第二款）", required=False)
    effective_on = forms.DateField(label="生效日期", required=False, widget=DATE, help_text="默认为今天")


class PerformanceForm(forms.Form):
    performed = forms.TypedChoiceField(label="履行情况", choices=[("1", "已履行"), ("0", "未履行")],
                                       coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label="回访情况", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConflictForm(forms.Form):
    reason = forms.CharField(label="回避理由", max_length=200)
