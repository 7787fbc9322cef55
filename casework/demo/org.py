"""The demo organisation: 西地省 > A市 > districts > streets/townships > villages, its units and staff.

The people's governments of the city and the districts are there for 「上一级」 (信访工作条例 Art 35,
RULES.md §0): a district department's 处理意见 is reviewed by the district government or the city
department of the same sector; the district government's review is re-reviewed by the city government.
Each government acts through its own review staff (复查复核); departments carry their sector.

Everything is fictional except the district names A1区…A5区, which are the
anonymised place names the public message data uses. All staff share one
password (hashed once: hashing ~160 passwords one by one would take a minute).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from casework.organisation.models import Jurisdiction, Level, Membership, Unit, UnitKind
from casework.organisation.services import administrator_access_grant, jurisdiction_create, unit_create
from casework.rules.lifecycle import Role

from .people import staff_name

DEMO_PASSWORD = "demo12345"
DEMO_EMAIL_DOMAIN = "demo.casework.invalid"  # marks the users the demo created (and --reset may delete)
PROVINCE_CODE = "XD"
CITY_CODE = "A"

# label in the data -> (department key for usernames, department name, short name); the sector is the name
# without 局, the same at every level
DEPARTMENTS: dict[str, tuple[str, str, str]] = {
    "城乡建设": ("housing", "住房和城乡建设局", "住建局"),
    "劳动和社会保障": ("labour", "人力资源和社会保障局", "人社局"),
    "教育文体": ("education", "教育局", "教育局"),
    "卫生计生": ("health", "卫生健康局", "卫健局"),
    "环境保护": ("environment", "生态环境局", "生态环境局"),
    "交通运输": ("transport", "交通运输局", "交通运输局"),
    "商贸旅游": ("commerce", "商务局", "商务局"),
}
LABELS = list(DEPARTMENTS)
MEDIATING_DEPARTMENTS = ("housing", "labour", "commerce")  # they mediate disputes of their sector

# district -> its streets (街道, with 社区) and townships (镇, with 村); all names invented.
DISTRICTS: dict[str, list[tuple[str, list[str]]]] = {
    "A1区": [("东风街道", ["朝阳社区", "红旗社区"]), ("五一街道", ["文华社区", "北门社区"]), ("青山镇", ["青山村", "石桥村"])],
    "A2区": [("新华街道", ["新华社区", "桂园社区"]), ("白沙镇", ["白沙村", "竹林村"]), ("望城镇", ["望城村", "荷塘村"])],
    "A3区": [("文昌街道", ["文昌社区", "学府社区"]), ("南湖街道", ["南湖社区", "湖景社区"]), ("柳溪镇", ["柳溪村", "杨家村"])],
    "A4区": [("金盆街道", ["金盆社区", "兴隆社区"]), ("双河镇", ["双河村", "枫树村"])],
    "A5区": [("龙泉街道", ["龙泉社区", "泉水社区"]), ("梅岭镇", ["梅岭村", "桃源村"]), ("长塘镇", ["长塘村", "高桥村"])],
}


class DemoError(Exception):
    """The demo cannot be loaded (or reset) as asked; the message says why."""


def sector(department_name: str) -> str:
    """住房和城乡建设局 → 住房和城乡建设: what a department shares with its counterpart one level up."""
    return department_name.removesuffix("局")


@dataclass
class District:
    name: str
    key: str  # "a1"
    jurisdiction: Jurisdiction
    bureau: Unit  # 区信访局
    departments: dict[str, Unit] = field(default_factory=dict)  # label -> unit
    townships: list["Township"] = field(default_factory=list)
    government: Unit | None = None  # 区人民政府: reviews its departments' and townships' opinions


@dataclass
class Township:
    name: str
    jurisdiction: Jurisdiction
    office: Unit  # 信访办
    villages: list[str] = field(default_factory=list)
    committee: Unit | None = None  # the township's 人民调解委员会 (人民调解法 Art 34): its mediation is done there
    village_committees: list[Unit] = field(default_factory=list)  # each village's 人民调解委员会


@dataclass
class Org:
    province: Jurisdiction
    city: Jurisdiction
    province_bureau: Unit
    city_bureau: Unit
    city_government: Unit | None = None  # re-reviews the districts' reviews
    city_departments: dict[str, Unit] = field(default_factory=dict)  # label -> A市 department (reviews too)
    districts: dict[str, District] = field(default_factory=dict)  # "A1区" -> District
    users: dict[str, object] = field(default_factory=dict)  # username -> User
    roles: list[tuple[str, str, Unit]] = field(default_factory=list)  # (username, role, unit)

    def department(self, district: str, label: str) -> Unit:
        return self.districts[district].departments[label]


@transaction.atomic
def build_org(rng: random.Random) -> Org:
    province = jurisdiction_create(name="西地省", code=PROVINCE_CODE, level=Level.PROVINCE)
    city = jurisdiction_create(name="A市", code=CITY_CODE, level=Level.CITY, parent=province)
    org = Org(
        province=province,
        city=city,
        province_bureau=unit_create(name="西地省信访局", kind=UnitKind.PETITION_OFFICE, jurisdiction=province,
                                    sector="信访"),
        city_bureau=unit_create(name="A市信访局", kind=UnitKind.PETITION_OFFICE, jurisdiction=city, sector="信访",
                                letterhead=True),
        city_government=unit_create(name="A市人民政府", short_name="A市政府", kind=UnitKind.GOVERNMENT,
                                    jurisdiction=city, letterhead=True),
    )
    plan: list[tuple[str, Role, Unit]] = [
        ("handler_province", Role.HANDLER, org.province_bureau),
        ("official_province", Role.ACCOUNTABLE_OFFICIAL, org.province_bureau),
        ("clerk_city", Role.INTAKE_CLERK, org.city_bureau),
        ("handler_city", Role.HANDLER, org.city_bureau),
        ("official_city", Role.ACCOUNTABLE_OFFICIAL, org.city_bureau),
        ("supervisor_city", Role.SUPERVISOR, org.city_bureau),
        ("sysadmin", Role.ADMINISTRATOR, org.city_bureau),
        # the city government's 复查复核 staff (they work in the 信访局, in the government's name)
        ("clerk_city_gov", Role.INTAKE_CLERK, org.city_government),
        ("handler_city_gov", Role.HANDLER, org.city_government),
        ("official_city_gov", Role.ACCOUNTABLE_OFFICIAL, org.city_government),
    ]
    for label, (dep_key, dep_name, short) in DEPARTMENTS.items():
        unit = unit_create(name=f"A市{dep_name}", short_name=f"A市{short}", kind=UnitKind.DEPARTMENT,
                           jurisdiction=city, categories=label, sector=sector(dep_name))
        org.city_departments[label] = unit
        plan += [(f"handler_city_{dep_key}", Role.HANDLER, unit),
                 (f"official_city_{dep_key}", Role.ACCOUNTABLE_OFFICIAL, unit)]
    for i, (dname, towns) in enumerate(DISTRICTS.items(), start=1):
        key, code = f"a{i}", f"A{i}"
        dj = jurisdiction_create(name=dname, code=code, level=Level.COUNTY, parent=city)
        bureau = unit_create(name=f"{dname}信访局", kind=UnitKind.PETITION_OFFICE, jurisdiction=dj, sector="信访")
        government = unit_create(name=f"{dname}人民政府", short_name=f"{dname}政府", kind=UnitKind.GOVERNMENT,
                                 jurisdiction=dj, letterhead=True)
        d = District(dname, key, dj, bureau, government=government)
        plan += [
            (f"clerk_{key}", Role.INTAKE_CLERK, bureau),
            (f"handler_{key}", Role.HANDLER, bureau),
            (f"official_{key}", Role.ACCOUNTABLE_OFFICIAL, bureau),
            (f"supervisor_{key}", Role.SUPERVISOR, bureau),
            (f"clerk_{key}_gov", Role.INTAKE_CLERK, government),
            (f"handler_{key}_gov", Role.HANDLER, government),
            (f"official_{key}_gov", Role.ACCOUNTABLE_OFFICIAL, government),
        ]
        for label, (dep_key, dep_name, short) in DEPARTMENTS.items():
            unit = unit_create(
                name=f"{dname}{dep_name}", short_name=f"{dname}{short}", kind=UnitKind.DEPARTMENT,
                jurisdiction=dj, categories=label, sector=sector(dep_name),
            )
            d.departments[label] = unit
            plan += [(f"handler_{key}_{dep_key}", Role.HANDLER, unit),
                     (f"official_{key}_{dep_key}", Role.ACCOUNTABLE_OFFICIAL, unit)]
            if dep_key in MEDIATING_DEPARTMENTS:  # disputes a township committee could not settle come here
                plan.append((f"mediator_{key}_{dep_key}", Role.MEDIATOR, unit))
        for t, (tname, villages) in enumerate(towns, start=1):
            tj = jurisdiction_create(name=tname, code=f"{code}{t:02d}", level=Level.TOWNSHIP, parent=dj)
            office = unit_create(name=f"{dname}{tname}信访办", short_name=f"{tname}信访办",
                                 kind=UnitKind.PETITION_OFFICE, jurisdiction=tj)
            committee = unit_create(name=f"{dname}{tname}人民调解委员会", short_name=f"{tname}调委会",
                                    kind=UnitKind.MEDIATION, jurisdiction=tj)
            town = Township(tname, tj, office, list(villages), committee)
            plan += [(f"clerk_{key}_{t}", Role.INTAKE_CLERK, office), (f"handler_{key}_{t}", Role.HANDLER, office),
                     (f"mediator_{key}_{t}", Role.MEDIATOR, committee), (f"mediator2_{key}_{t}", Role.MEDIATOR, committee)]
            for v, vname in enumerate(villages, start=1):
                vj = jurisdiction_create(name=vname, code=f"{code}{t:02d}{v:02d}", level=Level.VILLAGE, parent=tj)
                word = "居民委员会" if vname.endswith("社区") else "村民委员会"
                unit_create(name=f"{tname}{vname}{word}", short_name=f"{vname}{word[:1]}委会",
                            kind=UnitKind.COMMITTEE, jurisdiction=vj)
                mediation = unit_create(name=f"{tname}{vname}人民调解委员会", short_name=f"{vname}调委会",
                                        kind=UnitKind.MEDIATION, jurisdiction=vj)
                plan.append((f"mediator_{key}_{t}_{v}", Role.MEDIATOR, mediation))
                town.village_committees.append(mediation)
            d.townships.append(town)
        org.districts[dname] = d

    User = get_user_model()
    clash = sorted(User.objects.filter(username__in=[p[0] for p in plan]).values_list("username", flat=True))
    if clash:
        raise DemoError(f"这些用户名已被占用，演示数据未创建：{'、'.join(clash[:5])}")
    hashed = make_password(DEMO_PASSWORD)
    taken: set[tuple[str, str]] = set()
    users = []
    for username, _, _ in plan:
        surname, given = staff_name(rng, taken)
        users.append(User(username=username, first_name=given, last_name=surname, password=hashed,
                          email=f"{username}@{DEMO_EMAIL_DOMAIN}"))
    User.objects.bulk_create(users)
    org.users = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in plan])}
    Membership.objects.bulk_create([Membership(user=org.users[u], unit=unit, role=role) for u, role, unit in plan])
    org.roles = [(u, str(role), unit) for u, role, unit in plan]

    _publish_contacts(org)
    for username, role, _unit in plan:
        if role == Role.ADMINISTRATOR:
            administrator_access_grant(org.users[username])  # they maintain the organisation and the holidays
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            "admin", email=f"admin@{DEMO_EMAIL_DOMAIN}", password=None, first_name="管理员", last_name="系统",
        )
        User.objects.filter(username="admin").update(password=hashed)
    return org


STREETS = ["人民路", "解放路", "建设路", "中山路", "文化路", "新华路", "团结路", "光明路"]
RECEPTION_HOURS = "工作日 8:30—12:00、14:30—17:30"


def _publish_contacts(org: Org) -> None:
    """Every demo unit's address, telephone and reception hours (信访工作条例 Art 18 ¶1), all fictional."""
    units = list(Unit.objects.filter(jurisdiction__path__startswith=org.province.path).select_related("jurisdiction"))
    for n, unit in enumerate(units, start=1):
        place = unit.jurisdiction.name if unit.jurisdiction.level != Level.PROVINCE else "A市"
        unit.address = f"{place}{STREETS[n % len(STREETS)]}{n * 7 % 180 + 1}号{unit.short_name or unit.name}"
        unit.phone = f"0{700 + n % 90}-{6100_0000 + n * 137:08d}"
        unit.reception_hours = RECEPTION_HOURS
    Unit.objects.bulk_update(units, ["address", "phone", "reception_hours"])
