"""What `make run` does (scripts/run.sh): the organisation and logins at once, the cases in the background.

These run the real commands in a separate process on their own SQLite database, as `make run` does.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="make run serves SQLite: run once, there")


def manage(var: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CASEWORK_VAR_DIR=str(var), CASEWORK_DATA_DIR=str(var / "no-data"), DJANGO_DEBUG="1")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def status(var: Path) -> tuple[str, int, int]:
    with sqlite3.connect(var / "casework.sqlite3") as db:
        return db.execute("SELECT phase, done, total FROM demo_demoload WHERE id = 1").fetchone()


def wait_done(var: Path, seconds: int = 180) -> tuple[str, int, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = status(var)
        if row[0] in ("done", "failed"):
            return row
        time.sleep(0.5)
    pytest.fail(f"the background load did not finish in {seconds} s: {status(var)}")


@pytest.fixture
def var(tmp_path) -> Path:
    assert manage(tmp_path, "migrate", "--noinput", "-v", "0").returncode == 0
    return tmp_path


def test_background_load_returns_with_the_logins_and_finishes_the_cases_behind(var):
    run = manage(var, "load_demo", "--background", "--cases", "40")
    assert run.returncode == 0, run.stderr
    assert "handler_a1_labour" in run.stdout and "后台生成" in run.stdout
    assert status(var)[0] in ("cases", "router", "done")  # the server may start now: the org and users exist

    assert wait_done(var) == ("done", 40, 40)
    log = (var / "log" / "demo-load.log").read_text()
    assert "演示数据已载入：40 件案件" in log
    assert re.search(r"用时 \d+ 秒（CPU：本进程 \d+ 秒，训练分办模型的子进程 \d+ 秒）", log)  # bench/startup.py reads it
    assert "\r" not in log and "it/s" not in log  # no progress bar redraws in the log
    verify = manage(var, "verify_events")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    again = manage(var, "load_demo", "--background", "--cases", "40")
    assert again.returncode == 0 and "已存在" in again.stdout


def test_an_interrupted_load_starts_again_on_the_next_make_run(var):
    first = manage(var, "load_demo", "--background", "--cases", "3000")
    assert first.returncode == 0
    time.sleep(1)
    with sqlite3.connect(var / "casework.sqlite3") as db:
        pid = db.execute("SELECT pid FROM demo_demoload WHERE id = 1").fetchone()[0]
    os.kill(pid, 9)  # make run stopped while the cases were being made
    time.sleep(0.5)

    second = manage(var, "load_demo", "--background", "--cases", "20")
    assert second.returncode == 0, second.stderr
    assert "已删除原有演示数据" in second.stdout
    assert wait_done(var) == ("done", 20, 20)
    with sqlite3.connect(var / "casework.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM cases_case").fetchone()[0] == 20
