"""Events: the append-only, hash-chained record of every change to a case.

Events form one chain per jurisdiction (the case's shard key): each carries the
hash of the one before it in its chain, and ``EventChain`` holds the head, so
editing, deleting, inserting or reordering any row breaks verification. Each
event's hash is also MACed under a key outside the database (``keys.py``), so
a chain rewritten with its hashes recomputed does not verify either.
Personal data is never written into an event; events refer to ``Person`` rows
by id, so that a closed case can be anonymised without breaking the chain.
"""

from django.conf import settings
from django.db import models


class EventChain(models.Model):
    jurisdiction = models.OneToOneField(
        "organisation.Jurisdiction", primary_key=True, on_delete=models.PROTECT, related_name="event_chain"
    )
    length = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = verbose_name_plural = "事件链"


class ActorKind(models.TextChoices):
    STAFF = "staff", "工作人员"
    COMPLAINANT = "complainant", "信访人"
    SYSTEM = "system", "系统"


class Event(models.Model):
    # No single-column indexes on jurisdiction, case, dispute: event_chain_seq, event_case_idx and
    # event_dispute_idx lead with them, and every event would maintain both.
    jurisdiction = models.ForeignKey(
        "organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    seq = models.PositiveBigIntegerField()
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.PROTECT, related_name="events", db_index=False)
    dispute = models.ForeignKey(
        "mediation.Dispute", null=True, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    verb = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_kind = models.CharField(max_length=12, choices=ActorKind.choices)
    at = models.DateTimeField()
    effective_on = models.DateField()
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC-SHA256 of ``hash`` under the chain key ``key_id`` (CASEWORK_CHAIN_KEY); empty on history
    # written before the key, which a later ``chain_sealed`` event covers.
    mac = models.CharField(max_length=64, blank=True, default="")
    key_id = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "seq"], name="event_chain_seq")]
        indexes = [
            models.Index(fields=["case", "id"], name="event_case_idx"),
            models.Index(fields=["dispute", "id"], name="event_dispute_idx"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb}"


class EventText(models.Model):
    """Free text written with an act (a note, a reason, an opinion, an answer): kept beside the event, not in it.

    Such text is often about people (the complainant, an official). The event holds only this row's id and a
    keyed digest of the text (``texts.py``), so that the text can be withheld from those who may not read it
    (``cases.access.case_view``) and erased when a closed case is anonymised, while the chain still verifies.
    The salt keys the digest: erased with the text, it leaves nothing to guess the text from.
    """

    jurisdiction = models.ForeignKey("organisation.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.PROTECT, related_name="+")
    dispute = models.ForeignKey("mediation.Dispute", null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    salt = models.CharField(max_length=32)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事件文字"
