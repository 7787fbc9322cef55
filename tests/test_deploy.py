"""Production settings pass Django's deployment checklist."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_KEYS = {  # docs/security.md, "Personal data at rest"
    "CASEWORK_DATA_KEYS": "bmV3LWtleS1mb3ItdGhlLWRlcGxveS1jaGVjay0wMTI=",
    "CASEWORK_INDEX_KEY": "a-long-random-blind-index-key-0123456789abcdef",
}


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set by the browser tests
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "casework.example.gov.cn",
        "CASEWORK_CHAIN_KEY": "k2026:a-long-random-event-chain-key-0123456789abcdef",  # docs/security.md
        **DATA_KEYS,
        "CASEWORK_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_fallback_secret_key_even_with_debug_on(tmp_path):
    for debug in ("0", "1"):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": debug,
               "DJANGO_SECRET_KEY": "", "CASEWORK_VAR_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode != 0 and "DJANGO_SECRET_KEY" in done.stderr


def production_settings(tmp_path, **extra) -> dict:
    """config.settings as production loads it (no DJANGO_DEBUG: the default), as JSON."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY="x" * 60, CASEWORK_VAR_DIR=str(tmp_path),
               **extra)
    code = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({n: "
            "getattr(s, n) for n in ['DEBUG', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', "
            "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_AGE', 'SECURE_SSL_REDIRECT']}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_debug_is_off_unless_asked_for_and_production_sets_hsts_and_host_cookies(tmp_path):
    prod = production_settings(tmp_path)
    assert prod["DEBUG"] is False
    assert prod["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert prod["SESSION_COOKIE_NAME"].startswith("__Host-") and prod["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"] and prod["SECURE_SSL_REDIRECT"]
    assert prod["SESSION_COOKIE_AGE"] <= 12 * 3600
    assert production_settings(tmp_path, DJANGO_DEBUG="1")["DEBUG"] is True  # what make run sets


def test_make_run_turns_debug_on_and_makes_its_own_key():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "DJANGO_DEBUG=${DJANGO_DEBUG:-1}" in script and "secrets.token_urlsafe" in script


def test_the_production_script_refuses_a_bad_worker_setting_before_touching_the_database(tmp_path):
    for var, value in (("THREADS", "four"), ("WORKERS", "0"), ("TIMEOUT", "-1")):
        env = {**os.environ, "DJANGO_SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/never.sqlite3",
               var: value}
        done = subprocess.run(["bash", "scripts/serve-production.sh"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2 and var in done.stderr and value in done.stderr, done.stderr
        assert not (tmp_path / "never.sqlite3").exists()  # no check, no migrate ran


def test_production_refuses_to_start_without_the_data_keys_pipl_art_51(tmp_path):
    base = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789",
            "CASEWORK_VAR_DIR": str(tmp_path)}
    for missing, bad in (("CASEWORK_DATA_KEYS", ""), ("CASEWORK_INDEX_KEY", ""), ("CASEWORK_DATA_KEYS", "not-a-key"),
                         ("CASEWORK_INDEX_KEY", "short")):
        env = {**base, **DATA_KEYS, missing: bad}
        done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode != 0 and missing in done.stderr and "casework.privacy.E001" in done.stderr, done.stderr
