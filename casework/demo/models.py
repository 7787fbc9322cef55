"""How far the demo's loading has come: ``make run`` serves the pages while the cases are still being made."""

from django.db import models


class DemoLoad(models.Model):
    """One row (pk 1) while and after the demo loads; the pages say what it shows while it is not done."""

    class Phase(models.TextChoices):
        ORG = "org", "机构和人员已建立"
        CASES = "cases", "正在生成演示案件"
        ROUTER = "router", "正在训练分办建议模型"
        DONE = "done", "已完成"
        FAILED = "failed", "载入中断"

    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.ORG)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    pid = models.PositiveIntegerField(null=True, blank=True)  # the loading process, while it runs
    message = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "演示数据载入"

    @property
    def loading(self) -> bool:
        return self.phase in (self.Phase.ORG, self.Phase.CASES, self.Phase.ROUTER)
