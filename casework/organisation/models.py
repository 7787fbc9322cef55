"""Jurisdictions (a tree), the units in them, and who holds which role where."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from casework.rules.lifecycle import ROLE_LABELS, STAFF_ROLES, Role
from casework.rules.mediation import mediation_level


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


class Jurisdiction(models.Model):
    """An administrative area. ``path`` ("/1/5/23/") makes a subtree one prefix query."""

    name = models.CharField("名称", max_length=100)
    code = models.CharField("代码", max_length=20, unique=True, help_text="用于案件编号，如 A01")
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "行政区域"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class UnitKind(models.TextChoices):
    PETITION_OFFICE = "petition_office", "信访工作机构"
    DEPARTMENT = "department", "职能部门"
    GOVERNMENT = "government", "人民政府（办事处）"
    COMMITTEE = "committee", "村（居）民委员会"
    MEDIATION = "mediation", "人民调解委员会"


class Unit(models.Model):
    """An office that receives, handles or supervises cases.

    Its address, telephone and reception hours are what 信访工作条例 Art 18 ¶1 requires an organ to
    publish; the portal shows them to the complainant whose matter the unit handles.
    """

    name = models.CharField("名称", max_length=120)
    short_name = models.CharField("简称", max_length=30, blank=True, help_text="用于文书编号，如 某县信访局")
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="所属区域", on_delete=models.PROTECT, related_name="units")
    categories = models.CharField("主管事项", max_length=200, blank=True, help_text="逗号分隔的事项分类")
    sector = models.CharField(
        "行业（系统）", max_length=40, blank=True,
        help_text="职能部门所属的行业，上下级同一行业的部门填写相同名称，如 住房和城乡建设、信访；"
                  "用于确定复查、复核的上一级机关（《信访工作条例》第三十五条）",
    )
    letterhead = models.BooleanField(
        "文书使用红色版头", default=False, help_text="本单位出具的文书在首页上方印红色的单位名称和红色分隔线",
    )
    is_active = models.BooleanField("在用", default=True)
    address = models.CharField("通信地址和接待场所", max_length=200, blank=True,
                               help_text="向社会公布（《信访工作条例》第十八条第一款）")
    phone = models.CharField("咨询电话", max_length=40, blank=True, help_text="向社会公布（第十八条第一款）")
    reception_hours = models.CharField("接待时间", max_length=200, blank=True,
                                       help_text="如：工作日 8:30—12:00、14:30—17:30（第十八条第一款）")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["jurisdiction__path", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in a unit. One person may hold several roles, in several units."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=30, choices=[(r.value, ROLE_LABELS[r]) for r in STAFF_ROLES])

    class Meta:
        verbose_name = verbose_name_plural = "人员角色"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"

    def clean(self):
        """A mediator belongs to a unit that mediates: a 人民调解委员会 (人民调解法 Art 7, 34) or a competent
        department, never a petition office (the township's mediation is its 人民调解委员会's)."""
        super().clean()
        try:
            unit = self.unit  # in the unit's admin page, the unit being added (not saved yet)
        except Unit.DoesNotExist:
            unit = None
        if self.role == Role.MEDIATOR and unit is not None and unit.jurisdiction_id:
            if mediation_level(unit.kind, unit.jurisdiction.level) is None:
                raise ValidationError({"role": f"调解员应属于人民调解委员会或主管部门，{unit.name}不调解纠纷"
                                               f"（人民调解法第七条、第三十四条）"})
