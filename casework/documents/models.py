"""Documents issued once: each notice gets its 发文字号 and its date on the day of the act, and keeps them.

A number is unique per issuing body, kind and year (a constraint, and a counter
per unit, kind and year taken inside the action's transaction). ``content`` is
what the notice said when it was issued (its fields, without the addressee, who
is read from the case's parties when it is printed), so a reprint is the same
document whatever has changed since. Documents numbered from the record when
this table came (``content`` empty) are rebuilt from their event each time.
"""

from django.db import models


class DocumentKind(models.TextChoices):
    FORWARDING = "forwarding", "信访事项转送告知书"
    REDIRECT = "redirect", "信访事项告知书（其他法定途径）"
    REPEAT_REFUSAL = "repeat_refusal", "信访事项不予受理告知书"
    ACCEPTANCE = "acceptance", "信访事项受理告知书"
    EXTENSION = "extension", "信访事项延期办理告知书"
    HANDLING_OPINION = "handling_opinion", "信访事项处理意见书"
    REVIEW_OPINION = "review_opinion", "信访事项复查意见书"
    REREVIEW_OPINION = "rereview_opinion", "信访事项复核意见书"
    MEDIATION_AGREEMENT = "mediation_agreement", "人民调解协议书"


# 发文字号: the issuing unit's short name and the kind's 代字, e.g. 东县住建局处字〔2026〕12号.
KIND_CODES = {
    DocumentKind.FORWARDING: "转字",
    DocumentKind.REDIRECT: "告字",
    DocumentKind.REPEAT_REFUSAL: "不受字",
    DocumentKind.ACCEPTANCE: "受字",
    DocumentKind.EXTENSION: "延字",
    DocumentKind.HANDLING_OPINION: "处字",
    DocumentKind.REVIEW_OPINION: "复查字",
    DocumentKind.REREVIEW_OPINION: "复核字",
    DocumentKind.MEDIATION_AGREEMENT: "调字",
}


class DocumentCounter(models.Model):
    """The last serial given, per issuing unit, kind and year."""

    # A unit that can be deleted has issued nothing (its documents protect it): its counters go with it.
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year"], name="document_counter_unique")]


class IssuedDocument(models.Model):
    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisation.Unit", verbose_name="发文机关", on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    kind = models.CharField("文种", max_length=24, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField("发文字号", max_length=80)
    issued_on = models.DateField("成文日期")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="documents", db_index=False)
    dispute = models.ForeignKey("mediation.Dispute", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="documents", db_index=False)
    # Events are never deleted (append-only; PostgreSQL's trigger refuses it): the database's own
    # constraint stands behind the reference, and the trigger is what answers a delete.
    event = models.ForeignKey("audit.Event", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
                              db_index=False)
    content = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已发文书"
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "serial"], name="document_number_unique"),
            models.UniqueConstraint(fields=["event", "kind"], name="document_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["case", "id"], name="document_case_idx"),
            models.Index(fields=["dispute", "id"], name="document_dispute_idx"),
        ]

    def __str__(self) -> str:
        return self.number
