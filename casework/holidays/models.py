"""The official holiday schedule, editable by administrators.

Seeded from ``chinesecalendar`` (2004 to the last year it knows); each new
year's schedule is entered in the admin or imported from a file when the State
Council publishes it. Only days that differ from the weekend rule are stored.
"""

from django.db import models


class ScheduleYear(models.Model):
    """A year whose official schedule has been entered. Other years count weekends only."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=20, choices=[("package", "chinesecalendar"), ("admin", "管理员录入"), ("file", "文件导入")])
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "已发布年度安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class ScheduleDay(models.Model):
    day = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("调休上班", default=False, help_text="勾选：周末调休上班；不勾选：法定节假日休息")
    name = models.CharField("节日", max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日及调休"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_working_day else '休息'} {self.name}"


class ScheduleVersion(models.Model):
    """One row whose ``token`` becomes a new random value whenever the schedule changes.

    Database triggers (migration 0002) set it in the same statement and transaction as every
    insert, update or delete of ``ScheduleDay`` or ``ScheduleYear`` (and every TRUNCATE on
    PostgreSQL), whoever makes the change: the admin, ``import_holidays``, ``seed_holidays``, SQL
    typed in a shell. ``current_calendar()`` reads this one row by primary key to decide whether
    its per-process calendar is still current. A random token rather than a counter: a change
    rolled back (a test, a failed import) and then another change can never bring back a value
    some process has cached.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=36)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排版本"

    def __str__(self) -> str:
        return self.token
