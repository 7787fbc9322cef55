"""Stored routing models: one row per training, the newest complete one per jurisdiction in use."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RouterModel(models.Model):
    """A trained category router for the cases registered in a jurisdiction's subtree.

    ``blob`` is ``Router.to_bytes()`` (a numpy archive, never a pickle). Rows are
    never updated after training except to retire them: a failed training leaves the
    previous row active, and the previous versions stay for comparison and rollback.
    """

    jurisdiction = models.ForeignKey("organisation.Jurisdiction", verbose_name="适用区域",
                                     on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("版本")
    algorithm = models.CharField("算法", max_length=60)
    trained_at = models.DateTimeField("训练时间", auto_now_add=True)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    n_cases = models.PositiveIntegerField("训练案件数")
    last_case_id = models.PositiveBigIntegerField("训练截至案件", default=0)
    # Labelled messages trained on beside the cases (``train_router --seed FILE.csv``); kept by later trainings.
    seed = models.CharField("附加训练数据", max_length=500, blank=True)
    n_seed = models.PositiveIntegerField("附加训练条数", default=0)
    classes = models.JSONField("类别", default=list)
    dropped = models.JSONField("样本不足未参与的类别", default=dict)
    metrics = models.JSONField("评估", default=dict)
    # category -> {jurisdiction id (str) -> [unit id, share]}: where closed cases of that category went
    unit_map = models.JSONField(default=dict)
    blob = models.BinaryField()
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "分办建议模型"
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "version"], name="router_version")]
        indexes = [models.Index(fields=["jurisdiction", "active"], name="router_active")]
        ordering = ["jurisdiction", "-version"]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} v{self.version}"
