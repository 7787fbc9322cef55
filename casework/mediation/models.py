"""Disputes (矛盾纠纷) handled by people's mediation (人民调解法).

``Dispute.state`` is written only by ``actions._transition``. Parties are
``cases.Person`` rows, like complainants: personal data in one kind of row.
"""

from django.conf import settings
from django.db import models

from casework.rules.mediation import D_OPEN, D_STATE_LABELS, DISPUTE_TYPE_LABELS, LEVEL_LABELS, DState, Level



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


class DisputeParty(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    claims = models.TextField("请求", blank=True)

    class Meta:
        ordering = ["id"]


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
    """调解协议 (Art 28–30): written or oral, with terms and the manner and deadline of performance."""

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="agreement")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    form = models.CharField("形式", max_length=8, choices=[("written", "书面协议"), ("oral", "口头协议")])
    facts_responsibility = models.TextField("纠纷主要事实、争议事项及各方责任")
    terms = models.TextField("协议内容")
    performance_manner = models.TextField("履行方式")
    performance_deadline = models.DateField("履行期限")
    effective_on = models.DateField("生效日期")
    copies = models.PositiveSmallIntegerField("份数", default=3)
    performed = models.BooleanField(null=True)
    performance_note = models.TextField(blank=True)
