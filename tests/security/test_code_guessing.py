"""10,000 random access-code guesses through every endpoint that checks one (issue 13, "Tests and documents").

The access code is what lets a complainant look a case up and rate it (信访工作条例 Art 21 ¶2). A guesser
who spreads the tries over many client addresses, so that no address reaches its own budget
(CASEWORK_THROTTLE_CODE_PER_CLIENT), is stopped by the case number's budget (CASEWORK_THROTTLE_CODE_PER_CASE),
which the portal's lookup and the API's rating share: no guess finds a case, and no number is tried more
often than its budget. The digest's work factor is the test one (tests/conftest.py _fast_access_code_digest).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter, defaultdict

import pytest
import time_machine
from django.test import Client

from casework.api.models import ApiToken
from casework.cases.actions.common import ACCESS_CODE_ALPHABET
from casework.cases.models import Case
from casework.portal.views import SESSION_KEY
from tests.conftest import register

PROXY = "10.0.0.2"
GUESSES = 10_000
PER_ADDRESS = 5  # under the per-client budget of 10: the number's own budget must be what stops the guesser
PER_CASE = 20


@pytest.fixture(autouse=True)
def _one_window():
    """The counters run in fixed windows of the wall clock: the whole attack stays inside one."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def _address(i: int) -> str:
    n = i // PER_ADDRESS  # 2,000 addresses
    return f"203.0.{n // 250}.{n % 250 + 1}"


@pytest.mark.django_db
def test_ten_thousand_random_code_guesses_find_no_case_and_meet_the_per_number_limit_xinfang_art_21(world, settings):
    settings.CASEWORK_TRUSTED_PROXIES = 1
    settings.CASEWORK_THROTTLE_CODE_PER_CLIENT = "10/15m"
    settings.CASEWORK_THROTTLE_CODE_PER_CASE = f"{PER_CASE}/h"
    targets = [register(world) for _ in range(3)]
    bystander = register(world)  # nobody guesses at this one
    numbers = [t.case.number for t in targets]
    prefix = numbers[0][:-4]
    _, token = ApiToken.issue(world.users["clerk_a"], "relay")
    rng = random.Random(13)

    answers: dict[str, list[int]] = defaultdict(list)  # number -> statuses, in order
    per_address: Counter[str] = Counter()  # answers that checked a code (not 429), per client address
    found = []
    portal_session_cases = set()
    for i in range(GUESSES):
        # half the guesses at the three real numbers, half at numbers of the same shape that may not exist
        number = rng.choice(numbers) if rng.random() < 0.5 else f"{prefix}{rng.randrange(10_000):04d}"
        code = "".join(rng.choices(ACCESS_CODE_ALPHABET, k=8))
        address = _address(i)
        if i % 2 == 0:
            client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
            response = client.post("/portal/lookup/", {"number": number, "code": code})
            status = response.status_code
            if status not in (400, 429):  # 302 would be a case found
                found.append((number, status))
            portal_session_cases |= set(client.session.get(SESSION_KEY, []))
        else:
            response = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address,
                              HTTP_AUTHORIZATION=f"Bearer {token}").post(
                f"/api/v1/cases/by-number/{number}/rate",
                json.dumps({"access_code": code, "satisfaction": "satisfied"}), content_type="application/json")
            status = response.status_code
            if status not in (404, 429):  # 200 would be a rating recorded
                found.append((number, status))
        answers[number].append(status)
        if status != 429:
            per_address[address] += 1

    # no guess found a case (every answer a refusal), none was granted to a session, no rating recorded
    assert found == [] and portal_session_cases == set()
    assert not Case.objects.exclude(satisfaction__in=("", None)).exists()
    # each real number had exactly its budget of codes checked, across both endpoints, and then only refusals
    for number in numbers:
        checked = [s for s in answers[number] if s != 429]
        assert len(checked) == PER_CASE, number
        first_refusal = next(k for k, s in enumerate(answers[number]) if s == 429)
        assert set(answers[number][first_refusal:]) == {429}
        assert len(answers[number]) > 1000  # the guesser kept going: about 1,650 tries at each number
    # no address was ever refused for its own budget: the number's budget is what stopped the guesses
    assert max(per_address.values()) <= PER_ADDRESS
    # the owners' right codes now wait too (the number's budget is spent for the hour) ...
    owner = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert owner.post("/portal/lookup/", {"number": numbers[0], "code": targets[0].access_code}).status_code == 429
    # ... while a citizen whose number nobody guessed at looks their case up at once
    assert owner.post("/portal/lookup/", {"number": bystander.case.number,
                                          "code": bystander.access_code}).status_code == 302
