"""A guesser learns nothing from how long the answer takes (issue 13 items 3, 4): the access-code digest is slow
on purpose, so an unknown number must cost the same digest as a wrong code, at the portal and the API alike
(both go through ``case_by_code``)."""

from __future__ import annotations

import pytest

from casework.cases.actions import case_by_code
from casework.privacy import codes
from tests.conftest import register


@pytest.fixture
def digests(monkeypatch):
    """Counts the scrypt runs (the real function still runs: nothing is faked)."""
    calls: list[str] = []
    real = codes._scrypt

    def counting(secret, number, log_n):
        calls.append(number)
        return real(secret, number, log_n)

    monkeypatch.setattr(codes, "_scrypt", counting)
    return calls


def test_an_unknown_number_costs_the_same_digest_as_a_wrong_code(world, digests):
    r = register(world)
    digests.clear()
    assert case_by_code(r.case.number, "WRONGCODE") is None
    wrong = len(digests)
    digests.clear()
    assert case_by_code("T1-2026-99999", "WRONGCODE") is None
    unknown = len(digests)
    digests.clear()
    assert case_by_code(r.case.number, r.access_code) == r.case
    right = len(digests)
    assert wrong == unknown == right == 1


def test_a_number_with_a_nul_is_simply_unknown(world, digests):
    assert case_by_code("T1\x00", "CODE") is None and len(digests) == 1
