"""The main menu: each person sees the pages they can use, decided by the checks those pages make.

``Capabilities`` is read from the person's memberships once per request (``StaffScope``); each page that
refuses people asks the same question (``may``) before it renders, so that no menu entry leads to a 403 or
to a board that can never hold anything for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.cases.access import PRELOADED, StaffScope
from casework.organisation.models import Level
from casework.rules.lifecycle import TRANSITIONS, Role

# A township or village body is nobody's 「上一级」 (Art 35): its clerks register no review requests.
TOWNSHIP_AND_BELOW = frozenset({Level.TOWNSHIP, Level.VILLAGE})


@dataclass(frozen=True)
class Capabilities:
    works_on_cases: bool  # my work: they handle, register or supervise grievances (cases_visible_to is not empty)
    registers: bool  # intake: 登记受理人员 of an active unit (web.intake.intake_units)
    registers_reviews: bool  # ... of a unit above the township, which a review request may go to (Art 35)
    supervises: bool  # supervision board, hot issues: 督办人员 of a jurisdiction
    mediates: bool  # mediation board: mediators and intake clerks (mediation.selectors.my_units)
    administers: bool  # the admin site
    decides_extensions: bool  # holds the role that approves or refuses extensions somewhere (Art 34)

    @classmethod
    def of(cls, user) -> "Capabilities":
        scope = StaffScope.of(user)
        if scope is not None:
            user.__dict__.setdefault(PRELOADED, scope)  # the rest of the request reads it from here
        roles = set().union(*scope.roles_by_unit.values()) if scope else set()
        return cls(
            works_on_cases=bool(scope and (scope.case_units or scope.supervised_paths)),
            registers=Role.INTAKE_CLERK in roles,
            registers_reviews=bool(scope) and any(
                Role.INTAKE_CLERK in r and scope.unit_rows[u].jurisdiction.level not in TOWNSHIP_AND_BELOW
                for u, r in scope.roles_by_unit.items() if u in scope.unit_rows),
            supervises=bool(scope and scope.supervised_paths),
            mediates=bool(roles & {Role.MEDIATOR, Role.INTAKE_CLERK}),
            administers=bool(getattr(user, "is_staff", False) and user.is_active),
            decides_extensions=bool(roles & TRANSITIONS["approve_extension"].roles),
        )


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    needs: str  # the Capabilities field that lets a person use it ("" for everyone signed in)


MENU = (
    Entry("home", _("我的工作"), "works_on_cases"),
    Entry("intake", _("登记"), "registers"),
    Entry("review_intake", _("复查复核申请"), "registers_reviews"),  # a review body's clerk registers a paper request
    Entry("supervision", _("督办"), "supervises"),
    Entry("hot_issues", _("热点问题"), "supervises"),
    Entry("mediation_board", _("人民调解"), "mediates"),
    Entry("due_date", _("期限计算"), ""),
    Entry("admin:index", _("系统管理"), "administers"),
)


def may(user, url_name: str) -> bool:
    """May this person use the page the menu entry ``url_name`` leads to?"""
    entry = next(e for e in MENU if e.url_name == url_name)
    return not entry.needs or getattr(Capabilities.of(user), entry.needs)


def menu_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    can = Capabilities.of(user)
    return [{"url": reverse(e.url_name), "label": e.label, "url_name": e.url_name}
            for e in MENU if not e.needs or getattr(can, e.needs)]


def landing(user) -> str | None:
    """Where someone without a work list starts: the first page of the menu they may use (None: nowhere yet)."""
    for entry in menu_for(user):
        if entry["url_name"] not in ("home", "due_date"):
            return entry["url"]
    return None


def menu(request) -> dict:
    """Context processor: the entries of the main menu for the person signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {"menu": [dict(e, current=e["url_name"] == current) for e in menu_for(user)]}
