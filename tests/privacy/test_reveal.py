"""Identity masked by default on staff pages; shown in full on request, an event each time, and only where
``case_view`` allows the identity (信访工作条例 Art 30 ¶3; PIPL Art 51); a supervisor lists who looked."""

from __future__ import annotations

import pytest
from django.test import Client

from casework.audit.models import Event
from casework.cases.actions import PersonData, case_identity_reveal
from casework.cases.errors import Forbidden, NotFound
from tests.cases.casekit import complainant, counts
from tests.conftest import register

PERSON = PersonData(name="欧阳明月", address="甲镇杏花村十一组88号", phone="13912345678")


def client_for(world, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


@pytest.fixture
def case(world):
    return register(world, complainants=[PERSON]).case


@pytest.fixture
def complaint_about_the_police(world):
    return register(world, complainants=[PERSON], respondent_unit_ids=[world.county_police.pk]).case


def test_the_case_page_shows_the_identity_masked_to_the_township_pipl_art_51(world, case):
    # when
    html = client_for(world, "handler_a").get(f"/cases/{case.pk}/").content.decode()
    # then
    assert "欧阳明月" in html and "甲镇****" in html and "139****5678" in html
    assert PERSON.address not in html and PERSON.phone not in html and "杏花村" not in html
    assert 'data-testid="reveal-identity"' in html


def test_showing_it_in_full_writes_one_event_saying_who_and_which_case(world, case):
    # given
    before = Event.objects.filter(case=case).count()
    # when
    response = client_for(world, "handler_a").post(f"/cases/{case.pk}/identity/")
    # then
    html = response.content.decode()
    assert response.status_code == 200 and PERSON.address in html and PERSON.phone in html
    assert response.headers["Cache-Control"].startswith("max-age=0") and "no-store" in response.headers["Cache-Control"]
    events = Event.objects.filter(case=case).order_by("id")[before:]
    assert [(e.verb, e.actor_id, e.data) for e in events] == [("identity_reveal", world.handler_a.pk, {})]


def test_the_action_returns_the_parties_in_full(world, case):
    parties = case_identity_reveal(world.clerk_a, case_id=case.pk)
    assert [(p.name, p.address, p.phone, p.role) for p in parties] == [
        (PERSON.name, PERSON.address, PERSON.phone, "complainant")]


def test_the_unit_complained_about_is_refused_and_nothing_is_recorded_xinfang_art_30_3(
        world, complaint_about_the_police):
    # given: 东县公安局 is complained about; its handler may not see the complainant (case_view)
    case = complaint_about_the_police
    before = counts()
    # when / then
    with pytest.raises((Forbidden, NotFound)):
        case_identity_reveal(world.police_handler, case_id=case.pk)
    assert counts() == before
    response = client_for(world, "police_handler").post(f"/cases/{case.pk}/identity/")
    assert response.status_code in (403, 404) and PERSON.phone not in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("who", ["outsider", "clerk_b", "handler_b"])
def test_staff_who_cannot_see_the_case_get_404_and_nothing_is_recorded(world, case, who):
    before = counts()
    response = client_for(world, who).post(f"/cases/{case.pk}/identity/")
    assert response.status_code == 404 and counts() == before


def test_the_complainant_does_not_go_through_it(world, case):
    with pytest.raises(Forbidden):
        case_identity_reveal(complainant(case), case_id=case.pk)


def test_a_supervisor_lists_who_saw_the_identity_and_others_may_not(world, case):
    # given
    client_for(world, "handler_a").post(f"/cases/{case.pk}/identity/")
    client_for(world, "clerk_a").post(f"/cases/{case.pk}/identity/")
    # when
    supervisor = client_for(world, "supervisor")
    page = supervisor.get(f"/cases/{case.pk}/identity/views/")
    # then: newest first, who and when
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="identity-view"') == 2
    assert f'href="/cases/{case.pk}/identity/views/"' in supervisor.get(f"/cases/{case.pk}/").content.decode()
    assert client_for(world, "handler_a").get(f"/cases/{case.pk}/identity/views/").status_code == 403


def test_a_reveal_and_a_refused_one_are_in_the_security_log_without_the_details(
        world, case, complaint_about_the_police, django_capture_on_commit_callbacks):
    """Issue 13 item 8: identity views are security events (ids only; never the details shown)."""
    import json
    import logging

    lines: list[str] = []

    class Records(logging.Handler):
        def emit(self, record):
            lines.append(json.dumps({k: v for k, v in record.__dict__.items() if k in ("event", "user_id", "case_id",
                                                                                       "reason")}))

    logger = logging.getLogger("casework.security")
    handler = Records()
    logger.addHandler(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):  # written once the reveal's event is committed
            case_identity_reveal(world.handler_a, case_id=case.pk)
        police = world.users["police_handler"]
        from casework.organisation.models import Membership

        Membership.objects.create(user=police, unit=world.county_bureau, role="supervisor")
        with pytest.raises(Forbidden):
            case_identity_reveal(police, case_id=complaint_about_the_police.pk)
    finally:
        logger.removeHandler(handler)
    records = [json.loads(line) for line in lines]
    assert {"event": "identity.view", "user_id": world.handler_a.pk, "case_id": case.pk} in records
    assert {"event": "access.denied", "user_id": police.pk, "case_id": complaint_about_the_police.pk,
            "reason": "identity_withheld"} in records
    assert not any(PERSON.phone in line or PERSON.name in line for line in lines)
