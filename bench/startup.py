"""Benchmark: `make run` on a fresh database, from the end of the install to the first page and to the whole demo.

The way `make run` does it is measured by running scripts/run.sh itself (what `make run` runs once the Python
packages are installed: the system-package check, migrate, seed_holidays, load_demo --background, runserver) on a
new SQLite database in a temporary directory. The first page is the first 200 from /accounts/login/; the demo is
complete when its status row says so and the page no longer shows the loading banner. Then, in the same run, the
simplest alternative, what `make run` did before: the whole demo loaded first (load_demo), then the server.

    .venv/bin/python bench/startup.py [--cases N] [--port P] [--skip-sequential]

It also counts carriage returns in what run.sh wrote (to a file, as on a server: progress bars belong on a
terminal only). The figures depend on what else the machine is doing: the 1-minute load average is printed
beside them. Targets (issue 11): first page within 60 s, demo complete within 120 s.

The last line: ``RESULT first_page_s=<s> demo_done_s=<s> sequential_first_page_s=<s> first_page_ratio=<x>
log_redraws=<n> loadavg=<x>`` (the ratio: sequential first page / background first page).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
LOGIN = "/accounts/login/"
BANNER = 'class="demo-loading"'  # casework/demo/templates/demo/_loading.html, shown while the demo loads
GIVE_UP = 900  # seconds
# load_demo's summary: the load's wall clock and CPU seconds (the loader itself, the router training beside it)
SUMMARY = re.compile(r"用时 (\d+) 秒（CPU：本进程 (\d+) 秒，训练分办模型的子进程 (\d+) 秒）")


def env_for(var: Path, port: int, cases: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_DEBUG")}
    env.update(CASEWORK_VAR_DIR=str(var), HOST="127.0.0.1", PORT=str(port), DEMO_CASES=str(cases))
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))  # as run.sh gives make run one of its own
    return env


def page(port: int) -> str | None:
    """The login page's HTML when it answers 200, else None."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{LOGIN}", timeout=5) as r:
            return r.read().decode() if r.status == 200 else None
    except OSError:
        return None


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def phase(var: Path) -> str:
    try:
        with sqlite3.connect(var / "casework.sqlite3", timeout=5) as db:
            row = db.execute("SELECT phase FROM demo_demoload WHERE id = 1").fetchone()
            return row[0] if row else ""
    except sqlite3.Error:
        return ""


def start(var: Path, env: dict, background: bool, cases: int, out) -> subprocess.Popen:
    """What `make run` runs after the install (background), or load everything first, then serve (sequential).

    Each in a session of its own, so that the server, its autoreloader and the demo's loading process stop
    together."""
    if background:
        cmd = ["bash", "scripts/run.sh"]
    else:
        cmd = ["bash", "-c", 'set -e; export DJANGO_DEBUG=1; py=.venv/bin/python; $py manage.py migrate --noinput -v 0;'
               ' $py manage.py seed_holidays; $py manage.py load_demo --cases "$DEMO_CASES";'
               ' exec $py manage.py runserver "$HOST:$PORT"']
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def measure(cases: int, port: int, background: bool) -> tuple[float, float, int, str]:
    """(seconds to the first page, seconds until the demo is complete, carriage returns in the output,
    the load's own account of its wall clock and CPU seconds)."""
    if not port_free(port):
        sys.exit(f"port {port} already answers: another server would be measured (--port to choose another)")
    with tempfile.TemporaryDirectory(prefix="casework-startup-") as tmp:
        var = Path(tmp)
        out_path = var / "make-run.out"
        with out_path.open("wb") as out:
            started = time.monotonic()
            proc = start(var, env_for(var, port, cases), background, cases, out)
            try:
                first = done = None
                while first is None or done is None:
                    now = time.monotonic() - started
                    if proc.poll() is not None:
                        sys.exit(f"{'run.sh' if background else 'the sequential run'} ended ({proc.returncode}):\n"
                                 + out_path.read_text(errors="replace")[-3000:])
                    html = page(port) if first is None or phase(var) in ("done", "failed") else None
                    if first is None and html is not None:
                        first = now
                    if done is None and phase(var) == "failed":
                        log = var / "log" / "demo-load.log"
                        sys.exit("the demo failed to load:\n" + (log.read_text()[-3000:] if log.exists() else ""))
                    if done is None and html is not None and phase(var) == "done" and BANNER not in html:
                        done = now
                    if now > GIVE_UP:
                        sys.exit(f"gave up after {GIVE_UP} s (phase {phase(var)!r})")
                    time.sleep(0.25)
            finally:
                stop(proc)
        text = out_path.read_text(errors="replace")
        log = var / "log" / "demo-load.log"
        if log.exists():
            text += log.read_text(errors="replace")
        m = SUMMARY.search(text)
        cpu = f"load {m[1]} s, CPU {m[2]} s loading + {m[3]} s training the router" if m else "no load summary"
        return first, done, text.count("\r"), cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=3000, help="demo cases (make run: 3000)")
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--skip-sequential", action="store_true", help="only the way make run does it")
    a = ap.parse_args()
    first, done, redraws, cpu = measure(a.cases, a.port, background=True)
    print(f"make run (scripts/run.sh, demo in the background): first page {first:.1f} s, "
          f"demo complete {done:.1f} s ({cpu}), carriage returns in its output {redraws}")
    loadavg = os.getloadavg()[0]
    if a.skip_sequential:
        print(f"RESULT first_page_s={first:.1f} demo_done_s={done:.1f} log_redraws={redraws} loadavg={loadavg:.1f}")
        return
    seq_first, seq_done, _, seq_cpu = measure(a.cases, a.port, background=False)
    loadavg = max(loadavg, os.getloadavg()[0])
    print(f"load first, then serve:                           first page {seq_first:.1f} s, "
          f"demo complete {seq_done:.1f} s ({seq_cpu})")
    print(f"1-minute load average of the machine (2 cores = 2.0 busy): {loadavg:.1f}")
    print(f"RESULT first_page_s={first:.1f} demo_done_s={done:.1f} sequential_first_page_s={seq_first:.1f} "
          f"first_page_ratio={seq_first / first:.1f} log_redraws={redraws} loadavg={loadavg:.1f}")


if __name__ == "__main__":
    main()
