"""Throttles keyed right behind trusted proxies (casework/security/throttle.py, clients.py).

Access codes are checked at the portal's lookup and the API's rating (信访工作条例 Art 21 ¶2: the
complainant looks the case up and rates it): wrong tries are counted per client and per case number, a
wrong code and an unknown number get the same answer, and another citizen's number is never blocked.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string

import pytest
import time_machine
from django.test import Client, RequestFactory

from casework.api.models import ApiToken
from casework.cases.models import Case
from casework.security.clients import client_ip
from tests.conftest import register

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _one_window():
    """The counters run in fixed windows of the wall clock: each test stays inside one."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        yield clock


def behind_proxy(client_address: str) -> Client:
    """A browser at ``client_address`` reaching the site through the one trusted proxy (nginx)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def lookup(client: Client, number: str, code: str):
    return client.post("/portal/lookup/", {"number": number, "code": code})


@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "198.51.100.1", "10.0.0.2"),  # no trusted proxy: the header is the client's own claim
    (1, "198.51.100.1", "198.51.100.1"),
    (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged entry on the left is never believed
    (2, "6.6.6.6, 198.51.100.1, 10.0.0.1", "198.51.100.1"),
    (2, "198.51.100.1", "10.0.0.2"),  # fewer entries than proxies: the proxy's address (one shared budget)
    (1, "not-an-address", "10.0.0.2"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_the_client_address_is_read_from_the_right_past_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.CASEWORK_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_wrong_codes_from_one_citizen_never_block_another_citizens_number_xinfang_art_21(world, settings):
    settings.CASEWORK_TRUSTED_PROXIES = 1
    mine, theirs = register(world), register(world)
    guesser = behind_proxy("203.0.113.5")
    # given ten wrong codes for my number from one address
    for _ in range(10):
        assert lookup(guesser, mine.case.number, "WRONGCODE").status_code == 400
    # then that address waits, whatever number it tries
    assert lookup(guesser, theirs.case.number, theirs.access_code).status_code == 429
    # and another citizen behind the same proxy looks up their own case at once
    assert lookup(behind_proxy("198.51.100.20"), theirs.case.number, theirs.access_code).status_code == 302
    # and so do I, from my own address: ten wrong tries are under the number's own budget
    assert lookup(behind_proxy("198.51.100.21"), mine.case.number, mine.access_code).status_code == 302


@pytest.mark.django_db
def test_guesses_at_one_number_from_rotating_addresses_meet_the_numbers_own_limit(world, settings):
    settings.CASEWORK_TRUSTED_PROXIES = 1
    target, other = register(world), register(world)
    answers = []
    for i in range(40):  # 4 tries each from 10 addresses: no single address reaches its limit
        answers.append(lookup(behind_proxy(f"203.0.113.{i // 4 + 1}"), target.case.number, "WRONGCODE").status_code)
    assert answers[:20] == [400] * 20 and set(answers[20:]) == {429}  # CASEWORK_THROTTLE_CODE_PER_CASE 20/h
    # the right code waits too, for that number only
    assert lookup(behind_proxy("198.51.100.50"), target.case.number, target.access_code).status_code == 429
    assert lookup(behind_proxy("198.51.100.50"), other.case.number, other.access_code).status_code == 302


@pytest.mark.django_db
def test_a_wrong_code_and_an_unknown_number_get_the_same_answer_at_the_portal(world):
    r = register(world)
    unknown = r.case.number[:-1] + ("9" if r.case.number[-1] != "9" else "8")
    assert not Case.objects.filter(number=unknown).exists()
    wrong = lookup(Client(REMOTE_ADDR="198.51.100.30"), r.case.number, "WRONGCODE")
    missing = lookup(Client(REMOTE_ADDR="198.51.100.31"), unknown, "WRONGCODE")
    assert wrong.status_code == missing.status_code == 400
    strip = lambda resp, n: resp.content.decode().replace(n, "NUMBER")  # noqa: E731  (the form repeats what was typed)
    csrf = lambda html: __import__("re").sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert csrf(strip(wrong, r.case.number)) == csrf(strip(missing, unknown))


@pytest.mark.django_db
def test_the_api_rating_by_number_and_code_is_limited_and_answers_wrong_and_unknown_alike_xinfang_art_21(world):
    r = register(world)
    _, token = ApiToken.issue(world.users["clerk_a"], "relay")
    api = Client(REMOTE_ADDR="198.51.100.40", HTTP_AUTHORIZATION=f"Bearer {token}")

    def rate(number, code):
        return api.post(f"/api/v1/cases/by-number/{number}/rate",
                        json.dumps({"access_code": code, "satisfaction": "satisfied"}), content_type="application/json")

    wrong, unknown = rate(r.case.number, "WRONGCODE"), rate("NO-SUCH-0001", "WRONGCODE")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    # random guesses: none is right, and after the client's budget every answer is the same refusal
    rng = random.Random(13)
    alphabet = string.ascii_uppercase + string.digits
    answers = [rate(r.case.number, "".join(rng.choices(alphabet, k=8))) for _ in range(60)]
    statuses = [a.status_code for a in answers]
    assert 200 not in statuses
    assert statuses.count(404) == 8 and set(statuses[8:]) == {429}  # 10 per client: 2 spent above
    assert answers[-1].json() == rate("NO-SUCH-0001", "WRONGCODE").json()  # throttled alike too
    assert Case.objects.get(pk=r.case.pk).satisfaction in ("", None)


@pytest.mark.django_db
def test_anonymous_submissions_are_limited_per_client_and_day(world, settings, _one_window):
    settings.CASEWORK_THROTTLE_SUBMIT_PER_CLIENT = "2/d"
    settings.CASEWORK_TRUSTED_PROXIES = 1
    form = {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇西街2号",
            "request": "请求清理垃圾", "facts_reasons": "垃圾堆放一月未清"}
    citizen = behind_proxy("203.0.113.77")
    assert [citizen.post("/portal/submit/", form).status_code for _ in range(3)] == [200, 200, 429]
    assert Case.objects.count() == 2  # the third changed nothing
    assert behind_proxy("198.51.100.77").post("/portal/submit/", form).status_code == 200  # another client
    _one_window.shift(dt.timedelta(days=1))
    assert citizen.post("/portal/submit/", form).status_code == 200
