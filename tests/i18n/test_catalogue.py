"""The English catalogue: complete, consistent with its compiled .mo, and up to date with the sources.

locale/en/LC_MESSAGES/django.po holds the English of every string the sources mark (the
msgids are the Chinese wording); django.mo, compiled from it, is committed so that running
the product needs no GNU gettext. ``make messages`` (scripts/messages.sh) extracts and compiles.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django import forms
from django.utils import translation

from tests.i18n.po import MO, PO, ROOT, read

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PERCENT = re.compile(r"%\((\w+)\)[sd]")
BRACE = re.compile(r"\{(\w*)\}")


def _forms_of(entry) -> list[str]:
    return [entry.msgstr[n] for n in sorted(entry.msgstr)]


def test_the_catalogue_has_entries():
    assert len(read()) > 300


def test_every_msgid_has_an_english_msgstr():
    untranslated = [e.msgid for e in read() if e.fuzzy or not all(s.strip() for s in _forms_of(e))]
    assert untranslated == []
    wrong_plurals = [e.msgid for e in read() if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]]
    assert wrong_plurals == []  # English: one, other


def test_no_chinese_is_left_in_a_translation():
    assert [(e.msgid, s) for e in read() for s in _forms_of(e) if CHINESE.search(s)] == []


def test_placeholders_and_markup_survive_translation():
    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

    def tags(text):
        p = Tags()
        p.feed(text)
        return sorted(p.tags)

    broken = []
    for e in read():
        pattern = BRACE if "python-brace-format" in e.flags else PERCENT
        for s in _forms_of(e):
            if sorted(pattern.findall(s)) != sorted(pattern.findall(e.msgid)) or tags(s) != tags(e.msgid):
                broken.append((e.msgid, s))
    assert broken == []


def test_the_committed_mo_is_compiled_from_the_po():
    """django.mo is committed (no gettext needed to run); it must say what django.po says."""
    with MO.open("rb") as f:
        catalog = dict(gettext.GNUTranslations(f)._catalog)
    catalog.pop("", None)  # the header
    expected = {}
    for e in read():
        if e.fuzzy:
            continue
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, n): s for n, s in e.msgstr.items()})
    assert catalog == expected, "locale/en/LC_MESSAGES/django.mo is stale: run `make messages`"


def _labels() -> list[str]:
    """Every label that the rules core and the models hold and that the pages show."""
    from casework.cases.models import Channel
    from casework.documents.catalogue import RECEIPT_TITLE, REVIEW_RECEIPT_VERBS
    from casework.documents.models import DocumentKind
    from casework.mediation.models import Agreement, Termination
    from casework.rules import clocks, lifecycle, mediation

    return [
        *lifecycle.STATE_LABELS.values(), *lifecycle.ROLE_LABELS.values(), *lifecycle.OUTCOME_LABELS.values(),
        *lifecycle.ROUTE_LABELS.values(), *lifecycle.SATISFACTION_LABELS.values(),
        *(t.label for t in lifecycle.TRANSITIONS.values()), *(t.article for t in lifecycle.TRANSITIONS.values()),
        *mediation.D_STATE_LABELS.values(), *mediation.LEVEL_LABELS.values(), *mediation.DISPUTE_TYPE_LABELS.values(),
        mediation.OTHER_ROUTES, mediation.ORAL_AGREEMENT_NOTE, *mediation.PARTY_KIND_LABELS.values(),
        *mediation.SEX_LABELS.values(), *mediation.SIGN_MANNER_LABELS.values(), *mediation.PERFORMANCE_LABELS.values(),
        *(label for _, label in (*mediation.PERSON_DETAILS, *mediation.ORGANISATION_DETAILS)),
        *(label for _, label in Termination._meta.get_field("kind").choices),
        *(t.label for t in mediation.D_TRANSITIONS.values()), *(t.article for t in mediation.D_TRANSITIONS.values()),
        *(r.label for r in clocks.RULES.values()), *(r.article for r in clocks.RULES.values()),
        *Channel.labels, *(label for _, label in Agreement._meta.get_field("form").choices),
        *lifecycle.REVIEW_DECISION_LABELS.values(),
        *DocumentKind.labels, RECEIPT_TITLE, *(title for _, title in REVIEW_RECEIPT_VERBS.values()),
    ]


def test_every_label_of_the_rules_core_and_the_models_is_translated():
    """They stay Chinese in casework/rules (no Django there): casework/web/i18n_labels.py lists them."""
    with translation.override("en"):
        missing = [label for label in _labels() if CHINESE.search(translation.gettext(label))]
    assert missing == [], "add these to casework/web/i18n_labels.py, then `make messages` and translate"


def _form_classes() -> list[type[forms.Form]]:
    from casework.mediation import forms as mediation_forms
    from casework.portal import forms as portal_forms
    from casework.web import forms as web_forms
    from casework.web.views import FilterForm

    found = [FilterForm]
    for module in (web_forms, portal_forms, mediation_forms):
        found += [c for c in vars(module).values()
                  if isinstance(c, type) and issubclass(c, forms.Form) and c.__module__ == module.__name__]
    return found


def test_every_form_speaks_english(db):
    """Labels, help texts and choices of every form of the staff UI, the portal and the mediation pages."""
    untranslated = []
    with translation.override("en"):
        for cls in _form_classes():
            for name, field in cls.base_fields.items():
                texts = [field.label, field.help_text, getattr(field, "empty_label", None)]
                if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                    texts += [label for _, label in field.choices]
                untranslated += [f"{cls.__name__}.{name}: {t}" for t in texts if t and CHINESE.search(str(t))]
    assert untranslated == []


def test_the_po_holds_every_string_the_sources_mark(tmp_path):
    """makemessages over a copy of the sources finds no msgid that the committed .po lacks, and none it no longer needs."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but GNU gettext is missing (scripts/system-packages.sh installs it)")
        pytest.skip("GNU gettext not installed: the .po is not compared with the sources")
    for name in ("casework", "config", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "CASEWORK_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "en", "--no-wrap", "--add-location", "file",
         "--no-obsolete"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True,
    )
    fresh = {e.key for e in read(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    committed = {e.key for e in read(PO)}
    assert sorted(fresh - committed) == [], "new strings to translate: run `make messages`, then fill in the msgstr"
    assert sorted(committed - fresh) == [], "strings no longer used: run `make messages`"
