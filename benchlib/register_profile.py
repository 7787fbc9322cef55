"""Where one API registration spends its statements and its CPU (a tool, not a benchmark).

    .venv/bin/python -m benchlib.register_profile [--n 300] [--repeat 3] [--show-sql] [--profile] [--list]

Makes ``casework_perf_profile`` anew on the local PostgreSQL (migrated, the bench organisation),
then posts ``--n`` registrations one after the other through ``django.test.Client`` with
``DJANGO_DEBUG=0``: prints the statements of one registration, the mean process CPU per
registration in this process (Django) and in PostgreSQL (the backend's CPU from /proc), and with
``--profile`` the top of a cProfile of the loop. ``--list``: the same for ``GET /api/v1/cases?limit=20``
(a page of the case list) after the registrations.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import common as C  # noqa: E402

DB = "casework_perf_profile"


def _backend_cpu(pid: int) -> float:
    """utime + stime of a PostgreSQL backend, in seconds (same machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--show-sql", action="store_true")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--repeat", type=int, default=1, help="measure N loops, report each and the least CPU")
    p.add_argument("--list", action="store_true", help="measure a page of the case list instead of registrations")
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                   help="an extra database OPTION for this run (e.g. server_side_binding=true, prepare_threshold=2)")
    a = p.parse_args(argv)
    C.ensure_postgres()
    tmp = Path(tempfile.mkdtemp(prefix="casework-profile-"))
    env = C.casework_env(DB, tmp)
    template = C.migrated_template(lambda db: C.casework_env(db, tmp))
    C.recreate_database(DB, template=template)
    C.django_setup(env)
    from django.db import connections

    for opt in a.option:
        name, value = opt.split("=", 1)
        connections["default"].settings_dict["OPTIONS"][name] = (
            {"true": True, "false": False, "none": None}.get(value.lower(), int(value) if value.isdigit() else value))
    clerks = C.build_org(townships=6, clerks_per_township=2)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(1)
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")

    def post(i):
        clerk = clerks[i % len(clerks)]
        body = json.dumps(C.case_body(rng, clerk.unit_id, clerk.town), ensure_ascii=False)
        h = C.json_headers(clerk.token, C.new_key())
        r = client.post("/api/v1/cases", data=body, content_type="application/json",
                        headers={k: v for k, v in h.items() if k.lower() != "content-type"})
        assert r.status_code == 201, (r.status_code, r.content[:300])
        return r

    def page(i):
        clerk = clerks[i % len(clerks)]
        h = C.json_headers(clerk.token)
        r = client.get("/api/v1/cases?limit=20", headers={k: v for k, v in h.items() if k.lower() != "content-type"})
        assert r.status_code == 200 and len(r.json()["items"]) == 20, (r.status_code, r.content[:300])
        return r

    for i in range(30 if not a.list else 400):  # warm up: connections, caches, chains (and cases to list)
        post(i)
    what, step = ("list page", page) if a.list else ("registration", post)
    for i in range(30 if a.list else 0):
        page(i)
    with CaptureQueriesContext(connection) as ctx:
        step(0)
    print(f"statements per {what}: {len(ctx.captured_queries)}")
    if a.show_sql:
        for q in ctx.captured_queries:
            print("  ", q["sql"][:220])
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (pid,) = cur.fetchone()
    prof = cProfile.Profile() if a.profile else None
    best = None
    for _ in range(a.repeat):
        pg0, cpu0, t0 = _backend_cpu(pid), time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        for i in range(a.n):
            step(i)
        if prof:
            prof.disable()
        cpu, wall, pg = time.process_time() - cpu0, time.perf_counter() - t0, _backend_cpu(pid) - pg0
        print(f"{a.n} × {what}: {cpu / a.n * 1000:.1f} ms Django CPU, {pg / a.n * 1000:.1f} ms PostgreSQL CPU, "
              f"{wall / a.n * 1000:.1f} ms wall each{' (under cProfile)' if prof else ''}", flush=True)
        best = min(best or (cpu, pg), (cpu, pg), key=sum)
    if a.repeat > 1:
        print(f"least: {best[0] / a.n * 1000:.1f} ms Django CPU + {best[1] / a.n * 1000:.1f} ms PostgreSQL CPU "
              f"per {what}")
    if prof:
        prof.dump_stats(os.environ.get("PROFILE_OUT", "/tmp/register.prof"))
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    connection.close()
    C.drop_database(DB)
    return 0


if __name__ == "__main__":
    sys.exit(main())
