"""Names and pickers: 「郑军」 family name first everywhere, people shown with their unit and never by login
name, unit pickers grouped by jurisdiction and offering only the units the action accepts
(信访工作条例 Art 22, 24, 30 ¶3, 35)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from casework.cases.actions import case_accept
from casework.cases.models import Case
from casework.organisation.names import full_name, person_name
from casework.organisation.services import jurisdiction_create, unit_create
from tests.cases.casekit import drive
from tests.conftest import register

ROOT = Path(__file__).resolve().parents[2]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def select(html: str, name: str) -> str:
    return re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S).group(1)


def options(html: str, name: str) -> list[str]:
    return [label for value, label in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select(html, name))]


def groups(html: str, name: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]*)">', select(html, name))


# -- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("family, given, written", [
    ("郑", "军", "郑军"), ("欧阳", "明月", "欧阳明月"), (" 郑 ", "军", "郑军"), ("Smith", "John", "John Smith"),
    ("", "", ""),
])
def test_names_are_written_family_name_first_without_a_space(family, given, written):
    assert full_name(family, given) == written


def test_a_person_without_a_name_is_shown_by_login_name_and_nobody_as_empty(db):
    user = get_user_model().objects.create_user("wangwu")
    assert person_name(user) == "wangwu" and person_name(None) == ""


def test_no_page_or_document_writes_names_in_the_western_order():
    """One function writes names (organisation/names.py); Django's get_full_name (「军 郑」) is used nowhere."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "casework").rglob("*")
                 if p.suffix in (".py", ".html") and "get_full_name" in p.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.fixture
def named(world):
    for user, (family, given) in ((world.official_a, ("郑", "军")), (world.handler_a, ("李", "敏燕")),
                                  (world.housing_official, ("黄", "宁"))):
        user.last_name, user.first_name = family, given
        user.save(update_fields=["last_name", "first_name"])
    return world


def test_pages_and_dropdowns_show_names_with_units_never_login_names(named):
    """The header, the timeline and the 包案领导 dropdown: 「李敏燕」, 「郑军（甲镇信访办）」; never 「official_a」."""
    case = register(named).case
    client = client_for(named.handler_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<span class="me">李敏燕</span>' in html
    assert options(html, "accept-accountable_official_id") == ["郑军（甲镇信访办）"]
    assert "official_a" not in html
    case_accept(named.handler_a, case_id=case.pk)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert re.search(r"受理 · 李敏燕", html)


def test_the_assign_dropdown_groups_officials_by_their_unit_xinfang_art_24(named):
    """Art 24: the official is one of the lead unit's: the dropdown groups them by unit, each with it."""
    case = drive(named, "accepted")
    html = client_for(named.official_a).get(f"/cases/{case.pk}/").content.decode()
    offered = options(html, "assign-accountable_official_id")
    assert "郑军（甲镇信访办）" in offered and "黄宁（东县住房和城乡建设局）" in offered
    assert {"甲镇信访办", "东县住房和城乡建设局"} <= set(groups(html, "assign-accountable_official_id"))


# -- unit pickers -----------------------------------------------------------------------------------


@pytest.fixture
def village(world):
    """A village under 甲镇 with its villagers' committee and its people's mediation committee."""
    j = jurisdiction_create(name="幸福村", code="V1", level="village", parent=world.jurisdictions["town_a"])
    return (unit_create(name="幸福村村民委员会", kind="committee", jurisdiction=j),
            unit_create(name="幸福村人民调解委员会", kind="mediation", jurisdiction=j))


def test_forwarding_offers_only_the_units_forwarding_accepts_xinfang_art_22_30_3(world, village):
    """Art 22: to an organ that may handle it (not a villagers' or mediation committee), not the unit that has it,
    never the unit complained about (Art 30 ¶3); grouped by jurisdiction."""
    case = register(world, respondent_unit_ids=[world.county_police.pk]).case
    html = client_for(world.clerk_a).get(f"/cases/{case.pk}/").content.decode()
    offered = options(html, "forward-to_unit_id")
    assert set(offered) == {"乙镇信访办", "东县信访局", "东县住房和城乡建设局", "A市信访局", "东县人民政府", "A市人民政府"}
    assert groups(html, "forward-to_unit_id") == ["A市", "A市 · 东县", "A市 · 东县 · 乙镇"]
    assert 'data-picker="search"' in re.search(r'<select name="forward-to_unit_id"[^>]*>', html).group(0)


@pytest.mark.parametrize("unit, message", [
    ("county_police", "是被投诉单位，不能将案件交其办理"),
    ("town_a_office", "不能转送给本单位"),
])
def test_a_unit_not_offered_is_refused_in_the_actions_own_words_xinfang_art_30_3(world, unit, message):
    case = register(world, respondent_unit_ids=[world.county_police.pk]).case
    response = client_for(world.clerk_a).post(f"/cases/{case.pk}/act/forward/",
                                              {"forward-to_unit_id": world.units[unit].pk})
    assert response.status_code == 400 and message in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_a_committee_is_refused_as_a_forwarding_target_xinfang_art_2_22(world, village):
    committee, mediation = village
    case = register(world).case
    for unit in (committee, mediation):
        response = client_for(world.clerk_a).post(f"/cases/{case.pk}/act/forward/", {"forward-to_unit_id": unit.pk})
        assert response.status_code == 400 and "不是办理信访事项的机关、单位" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_the_intake_pickers_are_searchable_and_grouped(world):
    html = client_for(world.clerk_a).get("/intake/").content.decode()
    for name in ("to_unit_id", "respondent_unit_ids"):
        assert 'data-picker="search"' in re.search(rf'<select name="{name}"[^>]*>', html).group(0)
        assert "A市 · 东县" in groups(html, name)
    assert "甲镇信访办" not in options(html, "to_unit_id")  # the clerk's own unit: not a forwarding target
    assert 'src="/static/web/vendor/tom-select/tom-select.complete.min.js"' in html  # vendored, no CDN
    assert "cdn" not in html.lower()
