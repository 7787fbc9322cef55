"""Grievance cases (信访事项) and the rows that hang off them.

Personal data (names, addresses, phone numbers) lives only in ``Person``; a
case and its events refer to people by id. Every case-scoped table carries the
case's ``jurisdiction`` so that it can be distributed by jurisdiction.
A case's ``state`` is written only by ``actions.transition.case_transition``.
"""

from django.conf import settings
from django.db import models

from casework.privacy.fields import BlindIndexField, EncryptedTextField
from casework.rules.lifecycle import (
    DELIVERY_MANNER_LABELS, OPEN, OUTCOME_LABELS, REVIEW_DECISION_LABELS, ROUTE_LABELS, SATISFACTION_LABELS, STATE_LABELS, State,
)


class Channel(models.TextChoices):
    """信访工作条例 Art 17: 信息网络、书信、电话、传真、走访."""

    VISIT = "visit", "走访"
    LETTER = "letter", "来信"
    PHONE = "phone", "来电"
    FAX = "fax", "传真"
    WEB = "web", "网上信访"
    API = "api", "系统接口"


class Person(models.Model):
    """A complainant or group representative. Anonymised by the retention job, never deleted.

    Name, address and phone are encrypted at rest (``casework.privacy``, PIPL Art 51); a name or a phone is
    found by exact match through its blind index (``name_index``, ``phone_index``), never by its column.
    """

    name = EncryptedTextField("姓名（名称）", max_length=100)
    address = EncryptedTextField("住址", max_length=200)
    phone = EncryptedTextField("联系电话", max_length=40, blank=True)
    name_index = BlindIndexField(source="name", purpose="name", db_index=True)
    phone_index = BlindIndexField(source="phone", purpose="phone", db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    number = models.CharField("案件编号", max_length=40, unique=True)
    access_code_digest = models.CharField(max_length=100)  # casework.privacy.codes: scrypt, keyed
    # case_juris_state_due and case_unit_state_due lead with jurisdiction and current unit: no
    # single-column indexes beside them for every registration and forward to maintain.
    jurisdiction = models.ForeignKey(
        "organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    registered_by = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    current_unit = models.ForeignKey(
        "organisation.Unit", verbose_name="当前办理单位", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    lead_unit = models.ForeignKey(
        "organisation.Unit", verbose_name="主办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField("organisation.Unit", verbose_name="协办单位", blank=True, related_name="+")
    accountable_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="包案领导", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    category = models.CharField("事项分类", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    request = models.TextField("投诉请求")
    facts_reasons = models.TextField("事实和理由")
    is_group = models.BooleanField("集体访", default=False)
    group_size = models.PositiveIntegerField("人数", default=1)
    respondent_units = models.ManyToManyField(
        "organisation.Unit", verbose_name="被投诉单位", blank=True, related_name="+"
    )
    respondent_officials = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="被投诉人员", blank=True, related_name="+"
    )
    respondent_text = models.CharField("被投诉对象（其他）", max_length=200, blank=True)

    state = models.CharField(
        "状态", max_length=12, choices=[(s.value, STATE_LABELS[s]) for s in State], default=State.REGISTERED
    )
    # Art 32: the outcome of the 处理意见书, kept whatever a review body later decides. A reply that
    # answers several requests one by one records them in request_outcomes ([{"request", "outcome"}]);
    # outcome is then theirs when they agree, else blank.
    outcome = models.CharField(
        "处理结果", max_length=16, blank=True, choices=[(k.value, v) for k, v in OUTCOME_LABELS.items()]
    )
    request_outcomes = models.JSONField("分项处理结果", default=list, blank=True)
    # Art 35, 36: the review body's and the re-review body's decision, beside the outcome.
    review_decision = models.CharField(
        "复查结论", max_length=12, blank=True, choices=[(k.value, v) for k, v in REVIEW_DECISION_LABELS.items()]
    )
    rereview_decision = models.CharField(
        "复核结论", max_length=12, blank=True, choices=[(k.value, v) for k, v in REVIEW_DECISION_LABELS.items()]
    )
    route = models.CharField(
        "告知途径", max_length=16, blank=True, choices=[(k.value, v) for k, v in ROUTE_LABELS.items()]
    )
    satisfaction = models.CharField(
        "满意度", max_length=12, blank=True, choices=[(k.value, v) for k, v in SATISFACTION_LABELS.items()]
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="并入", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_on_time = models.BooleanField("按期答复", null=True, blank=True)
    # Art 35: the review window runs from the day the complainant received the reply (recorded with it, or
    # later by record_delivery); empty while delivery is unrecorded, when nothing expires.
    reply_received_on = models.DateField("处理意见书送达日期", null=True, blank=True)
    reply_delivery = models.CharField(
        "送达方式", max_length=12, blank=True, choices=[(k.value, v) for k, v in DELIVERY_MANNER_LABELS.items()]
    )
    # Art 36 ¶3: a registration of a matter already finally decided on re-review, refused (refuse_repeat).
    repeat_of = models.ForeignKey(
        "self", verbose_name="已复核终结的原信访事项", null=True, blank=True, on_delete=models.PROTECT,
        related_name="refused_repeats",
    )
    extension_pending_days = models.PositiveSmallIntegerField(default=0)
    extension_days_granted = models.PositiveSmallIntegerField(default=0)

    received_on = models.DateField("收到日期")
    last_event_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The clock that matters now, derived from the events (see actions.clocks).
    due_on = models.DateField("期限", null=True, blank=True)
    due_rule = models.CharField(max_length=30, blank=True)
    due_provisional = models.BooleanField(default=False)
    # What the unit holding the case must do by when (rules.clocks.duty_clock): the receipt notice,
    # handling, a review decision. Empty while the case waits on the complainant (Art 35, 36) or
    # is paused for a hearing (Art 36 ¶2). Overdue means this date has passed (Art 45(1)).
    duty_due_on = models.DateField("办理期限", null=True, blank=True)
    duty_rule = models.CharField(max_length=30, blank=True)
    # When the retention job anonymised it (actions.retention): people, attachments and free text gone.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信访事项"
        indexes = [
            models.Index(fields=["anonymised_at"], name="case_anonymised"),
            models.Index(fields=["current_unit", "state", "due_on"], name="case_unit_state_due"),
            models.Index(fields=["jurisdiction", "state", "due_on"], name="case_juris_state_due"),
            models.Index(fields=["received_on"], name="case_received"),
            models.Index(fields=["jurisdiction", "duty_due_on"], name="case_juris_duty_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return STATE_LABELS[State(self.state)]

    @property
    def is_open(self) -> bool:
        return State(self.state) in OPEN

    @property
    def outcomes(self) -> list[tuple[str, str]]:
        """(request, outcome label) for each request answered; the request is "" when the reply had one outcome."""
        if self.request_outcomes:
            return [(o.get("request", ""), OUTCOME_LABELS.get(o.get("outcome"), o.get("outcome", "")))
                    for o in self.request_outcomes]
        return [("", self.get_outcome_display())] if self.outcome else []


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", "信访人"
    REPRESENTATIVE = "representative", "代表人"


class CaseParty(models.Model):
    """A complainant, or one of at most five representatives of a group (Art 20 ¶3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(max_length=16, choices=PartyRole.choices)

    class Meta:
        ordering = ["id"]


class CaseUnitRelation(models.TextChoices):
    REGISTERED = "registered", "登记单位"
    RECEIVED = "received", "接收转送"
    LEAD = "lead", "主办"
    CO = "co", "协办"
    REVIEW = "review", "复查复核"


class CaseUnit(models.Model):
    """Every unit a case has passed through: what the "own unit" scope is made of."""

    # case_unit_unique leads with case, case_unit_by_unit with unit: no single-column indexes beside them
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="unit_links", db_index=False)
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="case_links", db_index=False)
    relation = models.CharField(max_length=12, choices=CaseUnitRelation.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "unit", "relation"], name="case_unit_unique")]
        indexes = [models.Index(fields=["unit", "case"], name="case_unit_by_unit")]


class Recusal(models.Model):
    """A staff member with a direct interest stands aside (Art 28 ¶3): they no longer see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusals")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recusals")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="recusal_unique")]


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"cases/{instance.case.jurisdiction_id}/{instance.case_id}/{filename}"


class Attachment(models.Model):
    """Materials a complainant submitted. Never shown to the unit complained about (Art 30 ¶3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class CaseNumberCounter(models.Model):
    """The last serial number given, per jurisdiction, series (grievances "", disputes "TJ") and year."""

    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=4, default="")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "series", "year"], name="case_counter_series_unique")]


class SupervisionNotice(models.Model):
    """督办: a supervisor tells a unit to act on a case by a date, and tracks the answer."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervisions")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("督办编号", max_length=40)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuing_unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="supervisions_received")
    instruction = models.TextField("督办要求")
    issued_on = models.DateField()
    due_on = models.DateField("答复期限")
    due_provisional = models.BooleanField(default=False)
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField("办理情况", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["to_unit", "answered_on"], name="supervision_open_by_unit")]


class RespondentHandling(models.Model):
    """A unit complained about that a supervisor, with a recorded reason, lets handle the case (Art 30 ¶3).

    Forwarding, assigning or referring a case to the unit it accuses is refused unless a supervisor records why
    (the only competent unit, say). Its staff then act on the case, with the complainant's identity and
    attachments still withheld from them (``access.case_view``).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="respondent_handlings")
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    allowed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("理由", max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="respondent_handling_unique")]
