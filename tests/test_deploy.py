"""Production settings pass Django's deployment checklist."""

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


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "", "CASEWORK_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "DJANGO_SECRET_KEY" in done.stderr


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
