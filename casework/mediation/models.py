"""Disputes (矛盾纠纷) handled by people's mediation (人民调解法).

``Dispute.state`` is written only by ``actions.common.record``. Parties are
``cases.Person`` rows, like complainants: personal data in one kind of row.
"""

from django.conf import settings
from django.db import models

from casework.rules.mediation import (
    D_OPEN, D_STATE_LABELS, DISPUTE_TYPE_LABELS, LEVEL_LABELS, PARTY_KIND_LABELS, PERFORMANCE_LABELS, SEX_LABELS,
    SIGN_MANNER_LABELS, DState, Level, PartyDetails, PartyKind,
)


def _choices(labels):
    return [(k.value, v) for k, v in labels.items()]


class Dispute(models.Model):
    number = models.CharField("纠纷编号", max_length=40, unique=True)
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.Unit", verbose_name="调解单位", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("调解层级", max_length=12, choices=[(k.value, v) for k, v in LEVEL_LABELS.items()])
    dispute_type = models.CharField("纠纷类型", max_length=12, choices=[(k.value, v) for k, v in DISPUTE_TYPE_LABELS.items()])
    facts = models.TextField("纠纷事实")
    state = models.CharField("状态", max_length=12, choices=[(k.value, v) for k, v in D_STATE_LABELS.items()],
                             default=DState.REGISTERED)
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="调解员", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    mediator_chosen_by_parties = models.BooleanField(default=False)
    received_on = models.DateField("登记日期")
    last_event_on = models.DateField()
    target_on = models.DateField("调解目标日期", null=True, blank=True)
    settled_level = models.CharField(max_length=12, blank=True)
    performance_due_on = models.DateField("履行期限", null=True, blank=True)
    confirmation_due_on = models.DateField("司法确认申请截止", null=True, blank=True)
    confirmation_provisional = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "矛盾纠纷"
        indexes = [models.Index(fields=["unit", "state"], name="dispute_unit_state")]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return D_STATE_LABELS[DState(self.state)]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[Level(self.level)]

    @property
    def is_open(self) -> bool:
        return DState(self.state) in D_OPEN

    @property
    def agreement(self) -> "Agreement | None":
        """The draft or effective agreement, if any (a draft never signed is not it)."""
        cached = getattr(self, "_prefetched_objects_cache", {}).get("agreements")
        rows = list(cached) if cached is not None else list(self.agreements.filter(status__in=["draft", "effective"]))
        live = [a for a in rows if a.status in ("draft", "effective")]
        return live[-1] if live else None


class DisputeParty(models.Model):
    """A party to a dispute: the ``Person`` (name, address, phone) and the other basic details an agreement
    states (Art 29 ¶1(1), the 司法部 model form), never ethnicity, religion or political views (DESIGN.md)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    claims = models.TextField("请求", blank=True)
    kind = models.CharField("当事人类型", max_length=12, choices=_choices(PARTY_KIND_LABELS), default=PartyKind.PERSON)
    sex = models.CharField("性别", max_length=8, choices=_choices(SEX_LABELS), blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    occupation = models.CharField("职业或职务", max_length=100, blank=True)
    legal_representative = models.CharField("法定代表人（主要负责人）", max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.person.name

    def details(self) -> PartyDetails:
        p = self.person
        return PartyDetails(
            name=p.name, kind=self.kind, sex=self.sex, birth_date=self.birth_date, age=self.age,
            occupation=self.occupation, address=p.address, phone=p.phone, legal_representative=self.legal_representative,
        )


class DisputeUnit(models.Model):
    """Every unit a dispute passed through: the mediator's scope."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="unit_links")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dispute", "unit"], name="dispute_unit_unique")]


class MediatorConflict(models.Model):
    """A mediator with a conflict of interest stands aside and may not be assigned (Art 15, 19)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="conflicts")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dispute", "user"], name="mediator_conflict_unique")]


class Session(models.Model):
    """A mediation session: who, when, what was said and proposed (Art 27); public or not (Art 23(3))."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("日期")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendees = models.CharField("参加人员", max_length=500)
    public = models.BooleanField("公开调解", default=False)
    summary = models.TextField("调解情况")
    proposals = models.TextField("调解方案", blank=True)

    class Meta:
        ordering = ["held_on", "id"]


class Agreement(models.Model):
    """调解协议 (Art 28–30). A written one is a draft until the signatures are recorded, then effective from that
    day (Art 29 ¶2); an oral one is effective the day it is reached (Art 30). A draft the parties never signed is
    kept, abandoned, when the mediation ends or fails; one dispute has at most one draft or effective agreement."""

    DRAFT, EFFECTIVE, ABANDONED = "draft", "effective", "abandoned"

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="agreements")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.Unit", verbose_name="主持调解的单位", on_delete=models.PROTECT,
                             related_name="+")
    level = models.CharField("调解层级", max_length=12, choices=_choices(LEVEL_LABELS))
    form = models.CharField("形式", max_length=8, choices=[("written", "书面协议"), ("oral", "口头协议")])
    status = models.CharField(max_length=10, choices=[(DRAFT, "草稿"), (EFFECTIVE, "已生效"), (ABANDONED, "未签署")])
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人民调解员", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    facts_responsibility = models.TextField("纠纷主要事实、争议事项及各方责任", blank=True)
    terms = models.TextField("协议内容")
    performance_manner = models.TextField("履行方式")
    performance_deadline = models.DateField("履行期限")
    drafted_on = models.DateField("制作日期")
    effective_on = models.DateField("生效日期", null=True, blank=True)
    mediator_signed = models.BooleanField("调解员已签名", default=False)
    sealed = models.BooleanField("已加盖调解委员会印章", default=False)
    copies = models.PositiveSmallIntegerField("份数", default=3)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["dispute"], condition=models.Q(status__in=["draft", "effective"]),
                                               name="agreement_one_live_per_dispute")]

    @property
    def is_draft(self) -> bool:
        return self.status == self.DRAFT

    @property
    def is_effective(self) -> bool:
        return self.status == self.EFFECTIVE


class AgreementSignature(models.Model):
    """How each party signed the written agreement (Art 29 ¶2: 签名、盖章或者按指印)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, related_name="+")
    manner = models.CharField("签署方式", max_length=12, choices=_choices(SIGN_MANNER_LABELS))
    signed_on = models.DateField("签署日期")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="agreement_signature_unique")]


class Escalation(models.Model):
    """Up one level (Art 17): from which unit to which, why, and how the parties consented (Art 3(1))."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="escalations")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    escalated_on = models.DateField("上交日期")
    from_unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    from_level = models.CharField(max_length=12, choices=_choices(LEVEL_LABELS))
    to_level = models.CharField(max_length=12, choices=_choices(LEVEL_LABELS))
    reason = models.TextField("上交理由")
    consent = models.BooleanField("各方当事人同意", default=False)  # False only on rows from before it was recorded
    consent_note = models.CharField("当事人同意的方式", max_length=500, blank=True)

    class Meta:
        ordering = ["id"]


class Termination(models.Model):
    """A mediation ended without agreement: a party refused or asked to end it (Art 17, 23(2)), or it failed
    (Art 26); the parties were told their other routes (Art 26), in the 调解终止告知书."""

    REFUSED, FAILED = "refused", "failed"

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="terminations")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.Unit", verbose_name="终止调解的单位", on_delete=models.PROTECT,
                             related_name="+")
    level = models.CharField(max_length=12, choices=_choices(LEVEL_LABELS))
    kind = models.CharField(max_length=8, choices=[(REFUSED, "当事人拒绝或要求终止调解"), (FAILED, "调解不成")])
    ended_on = models.DateField("终止日期")
    party = models.ForeignKey(DisputeParty, verbose_name="提出拒绝的当事人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("终止理由", blank=True)
    routes_told = models.BooleanField("已告知其他途径", default=False)  # False only on rows from before it was recorded

    class Meta:
        ordering = ["id"]


class MediatorChange(models.Model):
    """A party asked for another mediator (Art 23(1); 司法部《人民调解工作若干规定》)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="mediator_changes")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField("提出日期")
    party = models.ForeignKey(DisputeParty, verbose_name="提出要求的当事人", on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由", blank=True)

    class Meta:
        ordering = ["id"]


class PerformanceCheck(models.Model):
    """One follow-up on performance (Art 31), as often as needed until performed or referred to court (Art 32)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="performance_checks")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="performance_checks")
    checked_on = models.DateField("回访日期")
    result = models.CharField("履行情况", max_length=12, choices=_choices(PERFORMANCE_LABELS))
    note = models.TextField("回访情况", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["checked_on", "id"]
