"""Every document of every demo case, printed where people print them: the staff workspace and the portal.

Issue 11 item 4: every 复查 and 复核 意见书 was a 500. The demo (a few hundred cases, through the
real actions) holds every kind of document; each is fetched as the staff list and the portal list
offer it, and must be a PDF whose text extracts, that carries its case number, and that embeds
only the configured fonts (the glyph check runs before every rendering: a missing glyph is a 503).
"""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone

from casework.cases.models import Case
from casework.demo.builder import load_demo
from casework.documents.catalogue import documents_for_case
from casework.documents.fonts import _font_files
from casework.documents.layout import FONT_ROLES, installed_fonts
from casework.portal.views import SESSION_KEY

KINDS = {"receipt", "review-receipt", "rereview-receipt", "forwarding", "redirect", "acceptance", "extension",
         "handling-opinion", "review-opinion", "rereview-opinion"}
CASES = 150  # with the demo's seed: every kind below, re-reviews and extensions several times over
SHARDS = 4  # the cases are printed in four tests, so that the suite's workers share them


def _plain(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def configured_families() -> tuple[str, ...]:
    """The configured families that are installed, as the names WeasyPrint gives embedded fonts begin."""
    fonts = installed_fonts()
    return tuple({_plain(f) for role in FONT_ROLES for f in fonts[role] if f in _font_files()})


def only_configured(embedded: set[str]) -> set[str]:
    """The embedded fonts that are none of the configured families (Noto-Serif-CJK-SC-Bold is Noto Serif CJK SC)."""
    allowed = configured_families()
    return {name for name in embedded if not _plain(name).startswith(allowed)}


def embedded_fonts(reader) -> set[str]:
    found = set()
    for page in reader.pages:
        for font in (page["/Resources"].get_object().get("/Font") or {}).values():
            found.add(re.sub(r"^/[A-Z]{6}\+", "", str(font.get_object()["/BaseFont"])))
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once per module inside a transaction rolled back at its end."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(CASEWORK_DATA_DIR=tmp_path_factory.mktemp("x") / "missing"):
        with transaction.atomic():
            load_demo(cases=CASES, progress=False)  # the built-in sample: the same on every machine
            yield list(Case.objects.select_related("current_unit", "registered_by").order_by("pk"))
            transaction.set_rollback(True)


def test_the_demo_holds_every_kind_of_document(demo, db):
    """Issue 11 item 4: the test below prints every kind there is (it would prove little otherwise)."""
    kinds = Counter(d["kind"] for case in demo for d in documents_for_case(case))
    assert KINDS <= set(kinds), f"kinds that never occurred: {KINDS - set(kinds)} (today {timezone.localdate()})"
    assert len(demo) == CASES


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_document_of_every_demo_case_prints_on_both_sides(demo, db, shard):
    from pypdf import PdfReader

    # given: the demo's cases of this shard, a supervisor who sees them all, their complainant on the portal
    cases = demo[shard::SHARDS]
    staff = Client()
    staff.force_login(get_user_model().objects.get(username="supervisor_city"))
    citizen = Client()
    session = citizen.session
    session[SESSION_KEY] = [c.pk for c in cases]  # as if each number and code had been entered
    session.save()
    # when: every document each side lists is fetched
    for case in cases:
        listed = {d["key"]: d for d in documents_for_case(case)}
        public = {d["key"]: d for d in documents_for_case(case, public=True)}
        assert set(listed) == set(public), case.number  # the complainant gets every notice addressed to them
        for key, d in listed.items():
            first, second = staff.get(d["url"]), citizen.get(public[key]["url"])
            # then: a PDF, on both sides the same bytes, text that extracts, only the configured fonts
            for r in (first, second):
                assert r.status_code == 200, (case.number, key, r.status_code, r.content[:300])
                assert r["Content-Type"] == "application/pdf"
            assert first.content == second.content, (case.number, key)
            reader = PdfReader(io.BytesIO(first.content))
            text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
            assert case.number in text and d["title"].split("（")[0] in text, (case.number, key)
            if not case.is_group:  # a letter to one person says 您 throughout (issue 11 item 6)
                assert not re.search(r"你(?!们)|信访人", text), (case.number, key, text)
            if d["number"]:
                assert d["number"] in text, (case.number, key)
            assert embedded_fonts(reader) and not only_configured(embedded_fonts(reader)), (case.number, key)
