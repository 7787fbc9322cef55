"""Shared fixtures: a small real organisation, real users, the real database.

``world`` builds:  省 > 市 > 县 (county) > 甲镇 (town_a), 乙镇 (town_b)
with units
  town_a_office   甲镇信访办   clerk_a (intake_clerk), handler_a (handler), official_a (accountable_official)
  town_b_office   乙镇信访办   clerk_b (intake_clerk), handler_b (handler)
  county_bureau   县信访局     supervisor (supervisor), county_clerk (intake_clerk), county_handler (handler),
                               county_official (accountable_official)
  county_housing  县住建局     housing_handler (handler), housing_official (accountable_official)
  county_police   县公安局     police_handler (handler)  -- used as the unit complained about
  city_bureau     市信访局     city_handler (handler), city_official (accountable_official), city_supervisor
  county_gov      东县人民政府 gov_clerk (intake_clerk), gov_handler (handler), gov_official (accountable_official)
  city_gov        A市人民政府  city_gov_clerk (intake_clerk), city_gov_handler (handler), city_gov_official
and admin_user (administrator of county_bureau), mediator_a (mediator of town_a_office).

「上一级」 (Art 35, RULES.md §0): the township offices, 县住建局, 县公安局 and 县信访局 are reviewed by
东县人民政府 (县信访局 also by A市信访局, the same sector one level up); 东县人民政府 by A市人民政府.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from casework.cases.actions import PersonData, case_register
from casework.organisation.models import Membership, Unit
from casework.organisation.services import jurisdiction_create, unit_create

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def require_data() -> Path:
    """The real messages in ../shared/data: skip without them, except under CI where that is a failure."""
    if (DATA_DIR / "messages_labeled.csv").exists():
        return DATA_DIR
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {DATA_DIR} is missing: the data tests cannot run")
    pytest.skip(f"{DATA_DIR} is absent: tests on the real messages skipped")


@pytest.fixture(scope="module", autouse=True)
def no_media_in_var(tmp_path_factory):
    """Whatever a test uploads goes to a temporary directory, never into var/media."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_access_code_digest():
    """scrypt at N=2**12 costs ~16 ms per registration; the tests register thousands (tests/privacy checks 12)."""
    from django.conf import settings

    settings.CASEWORK_ACCESS_CODE_WORK = 10


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """PBKDF2 at production strength costs ~0.3 s per user; the tests make dozens."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _files_outside_the_worktree(tmp_path_factory):
    """Attachments go to a directory of the test session, not to the worktree's var/media."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _checkpoints_per_test(tmp_path_factory):
    """Each test its own checkpoint directory: the daily job compares with the newest checkpoint there,
    and another test's chains are not this one's. Made only when something writes to it."""
    from django.conf import settings

    before = settings.CASEWORK_CHECKPOINT_DIR
    settings.CASEWORK_CHECKPOINT_DIR = tmp_path_factory.getbasetemp() / "checkpoints" / uuid.uuid4().hex
    yield settings.CASEWORK_CHECKPOINT_DIR
    settings.CASEWORK_CHECKPOINT_DIR = before


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_truncate_trigger():
    """PostgreSQL refuses TRUNCATE of the event table (migration audit 0006), and the flush after each
    transactional test is a TRUNCATE: switch that trigger off around it, as the table's owner may."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    from casework.audit.models import Event

    table = Event._meta.db_table
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if table not in tables or not statements:
            return statements
        toggle = f"ALTER TABLE {self.quote_name(table)} %s TRIGGER audit_event_no_truncate;"
        return [toggle % "DISABLE", *statements, toggle % "ENABLE"]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@dataclass
class World:
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    jurisdictions: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        for d in ("units", "users", "jurisdictions"):
            table = self.__dict__.get(d, {})
            if name in table:
                return table[name]
        raise AttributeError(name)


ROLES = {
    "town_a_office": [("clerk_a", "intake_clerk"), ("handler_a", "handler"), ("official_a", "accountable_official"),
                      ("mediator_a", "mediator")],
    "town_b_office": [("clerk_b", "intake_clerk"), ("handler_b", "handler")],
    "county_bureau": [("supervisor", "supervisor"), ("county_clerk", "intake_clerk"),
                      ("county_handler", "handler"), ("county_official", "accountable_official"),
                      ("admin_user", "administrator")],
    "county_housing": [("housing_handler", "handler"), ("housing_official", "accountable_official")],
    "county_police": [("police_handler", "handler")],
    "city_bureau": [("city_handler", "handler"), ("city_official", "accountable_official"),
                    ("city_supervisor", "supervisor")],
    "county_gov": [("gov_clerk", "intake_clerk"), ("gov_handler", "handler"), ("gov_official", "accountable_official")],
    "city_gov": [("city_gov_clerk", "intake_clerk"), ("city_gov_handler", "handler"),
                 ("city_gov_official", "accountable_official")],
}


@pytest.fixture
def world(db) -> World:
    w = World()
    j = w.jurisdictions
    j["province"] = jurisdiction_create(name="西地省", code="P1", level="province")
    j["city"] = jurisdiction_create(name="A市", code="C1", level="city", parent=j["province"])
    j["county"] = jurisdiction_create(name="东县", code="K1", level="county", parent=j["city"])
    j["town_a"] = jurisdiction_create(name="甲镇", code="T1", level="township", parent=j["county"])
    j["town_b"] = jurisdiction_create(name="乙镇", code="T2", level="township", parent=j["county"])
    u = w.units
    u["town_a_office"] = unit_create(name="甲镇信访办", kind="petition_office", jurisdiction=j["town_a"])
    u["town_b_office"] = unit_create(name="乙镇信访办", kind="petition_office", jurisdiction=j["town_b"])
    u["county_bureau"] = unit_create(name="东县信访局", kind="petition_office", jurisdiction=j["county"], sector="信访")
    u["county_housing"] = unit_create(name="东县住房和城乡建设局", kind="department", jurisdiction=j["county"],
                                      sector="住房和城乡建设")
    u["county_police"] = unit_create(name="东县公安局", kind="department", jurisdiction=j["county"], sector="公安")
    u["city_bureau"] = unit_create(name="A市信访局", kind="petition_office", jurisdiction=j["city"], sector="信访")
    u["county_gov"] = unit_create(name="东县人民政府", kind="government", jurisdiction=j["county"])
    u["city_gov"] = unit_create(name="A市人民政府", kind="government", jurisdiction=j["city"])
    User = get_user_model()
    for unit_key, people in ROLES.items():
        for username, role in people:
            user = w.users.get(username) or User.objects.create_user(username, password="pw-" + username)
            w.users[username] = user
            Membership.objects.create(user=user, unit=u[unit_key], role=role)
    w.users["outsider"] = User.objects.create_user("outsider", password="pw-outsider")
    return w


def register(world: World, *, by="clerk_a", unit="town_a_office", **overrides):
    """A registered case with sensible defaults; returns ``Registered`` (case, access_code)."""
    kwargs = dict(
        unit_id=world.units[unit].pk,
        complainants=[PersonData(name="张三", address="甲镇幸福村3组", phone="13800000000")],
        channel="visit",
        request="请求修复村道",
        facts_reasons="村道损坏两年无人修理，雨天无法通行。",
        category="城乡建设",
    )
    kwargs.update(overrides)
    return case_register(world.users[by], **kwargs)


def passed_mfa(client, user) -> None:
    """The session of ``client`` has passed the second factor with a real TOTP device of ``user`` (the state
    the MFA page leaves it in: casework/accounts/views.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_mfa(monkeypatch):
    """``client.force_login(user)`` in a test stands for a complete staff login: password and second factor.
    The tests of the login itself (tests/accounts) go through the pages instead."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        passed_mfa(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def totp_code(device) -> str:
    """The code the authenticator app of ``device`` shows now (django_otp.oath.totp, the real algorithm), for a
    time step not used yet: a second login within the same 30 seconds takes the next step, inside the device's
    tolerance, or waits for it."""
    import time

    from django_otp.oath import totp

    device.refresh_from_db()
    while True:
        now_step = int((time.time() - device.t0) // device.step)
        wanted = max(now_step, device.last_t + 1)
        if wanted <= now_step + device.drift + device.tolerance:
            return f"{totp(device.bin_key, device.step, device.t0, device.digits, wanted - now_step):0{device.digits}d}"
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.05)
