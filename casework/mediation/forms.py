"""Forms of the mediation pages. Field names are the actions' keyword arguments, so an error an action raises
lands beside its field. Forms of a dispute's actions take the dispute (``dispute=``) to offer only what fits it."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext, gettext_lazy as _

from casework.organisation.names import person_name
from casework.organisation.models import Membership, Unit
from casework.rules.lifecycle import Role
from casework.rules.mediation import (
    DISPUTE_TYPE_LABELS, NEXT_LEVEL, PARTY_KIND_LABELS, PERFORMANCE_LABELS, SEX_LABELS, SIGN_MANNER_LABELS, Level,
    mediation_level,
)
from casework.web.forms import DATE

# For a field shown with a value: an <input type=date> reads ISO dates only, whatever the locale's format.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MediatorChoice(forms.ModelChoiceField):
    """Mediators by name and unit, never by login name."""

    def __init__(self, *args, units=None, **kwargs):
        self.unit_names = {}
        super().__init__(get_user_model().objects.none(), *args, **kwargs)
        if units is not None:
            self.set_units(units)

    def set_units(self, units, exclude=()):
        memberships = Membership.objects.filter(role=Role.MEDIATOR, unit__in=list(units)).select_related("unit")
        self.unit_names = {}
        for m in memberships:
            self.unit_names.setdefault(m.user_id, m.unit.name)
        ids = [u for u in self.unit_names if u not in set(exclude)]
        self.queryset = get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")

    def label_from_instance(self, user):
        return gettext("%(name)s（%(unit)s）") % {"name": person_name(user), "unit": self.unit_names.get(user.pk, "")}


class PartyChoice(forms.ModelChoiceField):
    def label_from_instance(self, party):
        return party.person.name


class DisputeForm(forms.Form):
    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispute = dispute
        if dispute is not None:
            for field in self.fields.values():
                if isinstance(field, PartyChoice):
                    field.queryset = dispute.parties.select_related("person")


def party_choice(label):
    from .models import DisputeParty

    return PartyChoice(queryset=DisputeParty.objects.none(), label=label)


class PartyForm(forms.Form):
    """A party at registration: name, address and phone; the other basic details may come now or later."""

    name = forms.CharField(label=_("当事人姓名（名称）"), max_length=100)
    address = forms.CharField(label=_("住址（住所）"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=40)
    claims = forms.CharField(label=_("请求"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("当事人类型"), choices=[(k.value, _(v)) for k, v in PARTY_KIND_LABELS.items()],
                             initial="person")
    sex = forms.ChoiceField(label=_("性别"), required=False,
                            choices=[("", "—"), *[(k.value, _(v)) for k, v in SEX_LABELS.items()]])
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DATE)
    age = forms.IntegerField(label=_("年龄（不知出生日期时填写）"), required=False, min_value=0, max_value=130)
    occupation = forms.CharField(label=_("职业或职务"), max_length=100, required=False)
    legal_representative = forms.CharField(label=_("法定代表人（主要负责人，单位填写）"), max_length=100, required=False)


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


class AssignForm(DisputeForm):
    mediator_id = MediatorChoice(label=_("调解员"))
    chosen_by_parties = forms.BooleanField(label=_("由当事人选择（第十九条）"), required=False)

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, dispute=dispute, **kwargs)
        if dispute is not None:
            self.fields["mediator_id"].set_units([dispute.unit_id])


class ChangeMediatorForm(DisputeForm):
    party_id = party_choice(_("提出要求的当事人"))
    reason = forms.CharField(label=_("理由"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    mediator_id = MediatorChoice(label=_("更换后的调解员"))

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, dispute=dispute, **kwargs)
        if dispute is not None:
            self.fields["mediator_id"].set_units([dispute.unit_id], exclude=[dispute.mediator_id])


class PartyDetailsForm(DisputeForm):
    """Every party's basic details at once, filled in with what is known (Art 29 ¶1(1))."""

    FIELDS = ("kind", "sex", "birth_date", "age", "occupation", "legal_representative")

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, dispute=dispute, **kwargs)
        self.parties = list(dispute.parties.select_related("person")) if dispute is not None else []
        template = PartyForm.base_fields
        for p in self.parties:
            for name in self.FIELDS:
                field = template[name].__class__(**_field_kwargs(template[name]))
                field.label = gettext("%(name)s：%(label)s") % {"name": p.person.name, "label": template[name].label}
                field.initial = getattr(p, name)
                field.required = False
                self.fields[f"p{p.pk}_{name}"] = field

    def details(self) -> dict[int, dict]:
        c = self.cleaned_data
        return {p.pk: {name: _given(c.get(f"p{p.pk}_{name}")) for name in self.FIELDS} for p in self.parties}


def _given(value):
    return None if value in ("", None) else value


def _field_kwargs(field) -> dict:
    kwargs = {"label": field.label, "required": False, "widget": field.widget.__class__(attrs=dict(field.widget.attrs))}
    if isinstance(field, forms.ChoiceField):
        kwargs["choices"] = field.choices
    if isinstance(field, forms.CharField):
        kwargs["max_length"] = field.max_length
    if isinstance(field, forms.IntegerField):
        kwargs.update(min_value=0, max_value=130)
    if isinstance(field, forms.DateField):
        kwargs["widget"] = ISO_DATE
    return kwargs


class SessionForm(DisputeForm):
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    attendees = forms.CharField(label=_("参加人员"), max_length=500)
    public = forms.BooleanField(label=_("公开调解（当事人选择，第二十三条）"), required=False)
    summary = forms.CharField(label=_("调解情况（各方陈述）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    proposals = forms.CharField(label=_("调解方案"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20000, required=False)


class EscalateForm(DisputeForm):
    reason = forms.CharField(label=_("上交理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    consent = forms.BooleanField(label=_("各方当事人同意提交上一级调解（第三条、第十七条）"), required=False)
    consent_note = forms.CharField(label=_("当事人同意的方式"), max_length=500, required=False,
                                   help_text=_("如：双方在调解笔录上签字同意"))
    unit_id = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("上交至（上一级调解组织）"))
    mediator_id = MediatorChoice(label=_("调解员"), required=False)
    target_on = forms.DateField(label=_("调解目标日期"), required=False, widget=DATE)

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, dispute=dispute, **kwargs)
        if dispute is not None:
            units = escalation_units(dispute)
            self.fields["unit_id"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
            self.fields["mediator_id"].set_units(units)


def escalation_units(dispute) -> list[Unit]:
    """The mediating units one level up, in the jurisdiction directly above (what ``dispute_escalate`` accepts)."""
    expected = NEXT_LEVEL.get(Level(dispute.level))
    parent = dispute.unit.jurisdiction.parent_id
    if expected is None or parent is None:
        return []
    candidates = Unit.objects.filter(jurisdiction_id=parent, is_active=True).select_related("jurisdiction")
    return [u for u in candidates if mediation_level(u.kind, u.jurisdiction.level) == expected]


ROUTES_TOLD = _("已告知各方当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（第二十六条）")


class EndForm(DisputeForm):
    party_id = party_choice(_("拒绝或要求终止调解的当事人"))
    reason = forms.CharField(label=_("说明"), max_length=2000, required=False)
    routes_told = forms.BooleanField(label=ROUTES_TOLD, required=False)


class FailForm(DisputeForm):
    reason = forms.CharField(label=_("终止理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    routes_told = forms.BooleanField(label=ROUTES_TOLD, required=False)


class DraftForm(DisputeForm):
    facts_responsibility = forms.CharField(label=_("纠纷主要事实、争议事项及各方责任"), widget=forms.Textarea(attrs={"rows": 3}))
    terms = forms.CharField(label=_("协议内容（每行一项）"), widget=forms.Textarea(attrs={"rows": 3}))
    performance_manner = forms.CharField(label=_("履行方式"), max_length=5000)
    performance_deadline = forms.DateField(label=_("履行期限"), widget=ISO_DATE, required=False)

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, dispute=dispute, **kwargs)
        draft = dispute.agreement if dispute is not None else None
        if draft is not None and draft.is_draft:
            for name in ("facts_responsibility", "terms", "performance_manner", "performance_deadline"):
                self.fields[name].initial = getattr(draft, name)


class SignForm(DisputeForm):
    """Art 29 ¶2: how each party signed, the mediator's signature, the committee's seal; the day is the effective day."""

    mediator_signed = forms.BooleanField(label=_("人民调解员已签名"), required=False)
    sealed = forms.BooleanField(label=_("已加盖人民调解委员会印章"), required=False)
    on = forms.DateField(label=_("签署日期（协议自该日生效）"), required=False, widget=DATE, help_text=_("默认为今天"))

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, dispute=dispute, **kwargs)
        self.parties = list(dispute.parties.select_related("person")) if dispute is not None else []
        choices = [("", _("未签署")), *[(k.value, _(v)) for k, v in SIGN_MANNER_LABELS.items()]]
        signed = {}
        for p in self.parties:
            signed[f"party_{p.pk}"] = forms.ChoiceField(label=p.person.name, choices=choices, required=False)
        self.fields = {**signed, **self.fields}

    def signatures(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(f"party_{p.pk}") or "" for p in self.parties}


class OralForm(DisputeForm):
    writing_waived = forms.BooleanField(label=_("各方当事人认为无需制作调解协议书（第二十八条）"), required=False)
    terms = forms.CharField(label=_("协议内容（每行一项）"), widget=forms.Textarea(attrs={"rows": 3}))
    performance_manner = forms.CharField(label=_("履行方式"), max_length=5000)
    performance_deadline = forms.DateField(label=_("履行期限"), widget=DATE, required=False)
    facts_responsibility = forms.CharField(label=_("纠纷主要事实和各方责任（可不填）"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))


class PerformanceForm(DisputeForm):
    result = forms.ChoiceField(label=_("履行情况"), choices=[(k.value, _(v)) for k, v in PERFORMANCE_LABELS.items()],
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("回访情况"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("回访日期"), required=False, widget=DATE, help_text=_("默认为今天"))


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("回避理由"), max_length=200)
