"""bench/startup.py, which measures `make run` (issue 11 item 2), still runs and says what it measured.

A figure is never asserted (benchmarks print, tests do not time): only that the bench runs scripts/run.sh to a
served page and a complete demo, ends with its RESULT line, and refuses a port where something else answers.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="make run serves SQLite: run once, there")


def free_port() -> int:
    """A free port in 8000-8100, the range kept for servers that tests and benches start (from the top)."""
    for port in range(8100, 8000, -1):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 8000-8100")


def listening(s: socket.socket) -> int:
    """Bind ``s`` to a port of the range (from the bottom, away from free_port's) and listen; the port."""
    for port in range(8000, 8100):
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        s.listen()
        return port
    pytest.skip("no port to bind in 8000-8100")


def bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CASEWORK_DATA_DIR"] = str(tmp_path / "no-data")  # the built-in sample: a small, quick demo
    return subprocess.run([sys.executable, "bench/startup.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_bench_runs_make_runs_script_to_a_complete_demo_and_ends_with_its_result(tmp_path):
    # when: the bench measures make run with a small demo
    done = bench(tmp_path, "--cases", "20", "--skip-sequential", "--port", str(free_port()))
    # then: it printed the figures and one RESULT line last, and the output of make run held no redraws
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"RESULT first_page_s=([\d.]+) demo_done_s=([\d.]+) log_redraws=(\d+) loadavg=[\d.]+", last)
    assert m, last
    assert float(m[1]) <= float(m[2]) and m[3] == "0"
    assert "CPU" in done.stdout  # the load's own account of its CPU seconds was found


def test_the_bench_refuses_a_port_where_another_server_answers(tmp_path):
    # given: something listening on the port
    with socket.socket() as s:
        port = listening(s)
        # when / then: the bench would time that server: it stops at once, saying so
        done = bench(tmp_path, "--cases", "20", "--skip-sequential", "--port", str(port))
    assert done.returncode != 0 and "already answers" in done.stderr
    assert "RESULT" not in done.stdout
