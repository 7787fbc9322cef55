"""Benchmark: `make run` on a fresh database, from the first command to the first page and to the whole demo.

Runs what scripts/run.sh runs (migrate, seed_holidays, load_demo --background, runserver) on a new SQLite
database under a temporary directory, polling http://127.0.0.1:PORT/accounts/login/ until it answers and the
demo's status row until the cases and the routing model are done. Then, in the same run, the simplest
alternative, what `make run` did before: the whole demo loaded first (load_demo), then the server.

    .venv/bin/python bench/startup.py [--cases N] [--port P] [--skip-sequential]

The last line: ``RESULT first_page_s=<s> demo_done_s=<s> sequential_first_page_s=<s> first_page_ratio=<x>``
(the ratio: sequential first page / background first page).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")


def env_for(var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # as make run: DEBUG on and a key of its own (the settings have no fallback key)
    env.update(CASEWORK_VAR_DIR=str(var), DJANGO_DEBUG="1", DJANGO_SECRET_KEY="bench-startup-only-secret-key-0123456789")
    return env


def manage(var: Path, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env_for(var), check=True, stdout=subprocess.DEVNULL)


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def phase(var: Path) -> str:
    try:
        with sqlite3.connect(var / "casework.sqlite3", timeout=5) as db:
            row = db.execute("SELECT phase FROM demo_demoload WHERE id = 1").fetchone()
            return row[0] if row else ""
    except sqlite3.Error:
        return ""


def measure(cases: int, port: int, background: bool) -> tuple[float, float]:
    """(seconds to the first page, seconds until the demo is complete) from the first command."""
    with tempfile.TemporaryDirectory(prefix="casework-startup-") as tmp:
        var = Path(tmp)
        started = time.monotonic()
        manage(var, "migrate", "--noinput", "-v", "0")
        manage(var, "seed_holidays")
        manage(var, "load_demo", "--cases", str(cases), *(["--background"] if background else []))
        server = subprocess.Popen([PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT,
                                  env=env_for(var), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            first = done = None
            while first is None or done is None:
                now = time.monotonic() - started
                if first is None and answers(port):
                    first = now
                if done is None and phase(var) in ("done", "failed"):
                    done = now
                    if phase(var) == "failed":
                        sys.exit("the demo failed to load: see var/log/demo-load.log")
                if now > 900:
                    sys.exit("gave up after 900 s")
                time.sleep(0.2)
            return first, done
        finally:
            server.terminate()
            server.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--skip-sequential", action="store_true", help="only the background way")
    a = ap.parse_args()
    first, done = measure(a.cases, a.port, background=True)
    print(f"make run (background demo): first page {first:.1f} s, demo complete {done:.1f} s")
    if a.skip_sequential:
        print(f"RESULT first_page_s={first:.1f} demo_done_s={done:.1f}")
        return
    seq_first, seq_done = measure(a.cases, a.port, background=False)
    print(f"load first, then serve:     first page {seq_first:.1f} s, demo complete {seq_done:.1f} s")
    print(f"RESULT first_page_s={first:.1f} demo_done_s={done:.1f} sequential_first_page_s={seq_first:.1f} "
          f"first_page_ratio={seq_first / first:.1f}")


if __name__ == "__main__":
    main()
