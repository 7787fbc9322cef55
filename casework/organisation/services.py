"""Writes to the organisation: jurisdictions keep their ``path`` right; administrators get the admin site."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Jurisdiction, Level, LEVEL_ORDER, Unit


class OrganisationError(ValueError):
    pass


@transaction.atomic
def jurisdiction_create(*, name: str, code: str, level: str, parent: Jurisdiction | None = None) -> Jurisdiction:
    if level not in Level.values:
        raise OrganisationError(f"未知的层级：{level}")
    if parent is not None and LEVEL_ORDER.index(Level(level)) <= LEVEL_ORDER.index(Level(parent.level)):
        raise OrganisationError(f"{name} 的层级必须低于上级 {parent.name}")
    if Jurisdiction.objects.filter(code=code).exists():
        raise OrganisationError(f"区域代码 {code} 已被使用")
    j = Jurisdiction.objects.create(name=name, code=code, level=level, parent=parent)
    j.path = f"{parent.path if parent else '/'}{j.pk}/"
    j.save(update_fields=["path"])
    return j


def jurisdiction_set_path(j: Jurisdiction) -> None:
    """Recompute ``path`` for ``j`` and its subtree (after a move in the admin)."""
    j.path = f"{j.parent.path if j.parent_id else '/'}{j.pk}/"
    j.save(update_fields=["path"])
    for child in j.children.all():
        jurisdiction_set_path(child)


def unit_create(*, name: str, kind: str, jurisdiction: Jurisdiction, short_name: str = "", categories: str = "",
                sector: str = "", letterhead: bool = False) -> Unit:
    return Unit.objects.create(
        name=name, kind=kind, jurisdiction=jurisdiction, short_name=short_name or name, categories=categories,
        sector=sector, letterhead=letterhead,
    )


ADMINISTRATORS_GROUP = "系统管理员"
# What a 系统管理员 maintains in the admin site: the organisation, its people and the holiday schedule.
ADMINISTERED = {"organisation": None, "holidays": None, "auth": ("user",)}


def administrators_group() -> Group:
    """The group whose permissions let an administrator maintain the organisation, users and holiday schedule."""
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    perms = Permission.objects.none()
    for app, models in ADMINISTERED.items():
        qs = Permission.objects.filter(content_type__app_label=app)
        perms |= qs.filter(content_type__model__in=models) if models else qs
    group.permissions.set(perms)
    return group


@transaction.atomic
def administrator_access_grant(user) -> None:
    """A 系统管理员 (Membership role administrator) signs in to the admin site with the administrators' permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(administrators_group())
