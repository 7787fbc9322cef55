"""Benchmark: cases registered per second through the JSON API, on PostgreSQL, with the production server.

One run, three servers, the same client load against each: Casework and the bare ORM up together
and loaded in turns (``--rounds``, so that both meet the same drift in what else the machine does),
then django-helpdesk:

1. **Casework, full stack**: ``POST /api/v1/cases`` with an ``Idempotency-Key`` (token
   authentication, the scope check, validation, case number, parties, unit link, the
   hash-chained event, the statutory clock, the idempotency record) and, for a share of
   requests, ``GET /api/v1/cases?limit=20``.
2. **Bare-ORM ceiling**: Casework's settings and middleware with a throwaway view
   (``benchlib/bare_urls.py``) that inserts one case row and one event row, no checks.
3. **django-helpdesk** 2.6.1 from PyPI in its own venv (``benchlib/helpdesk.py``):
   ``POST /helpdesk/api/tickets/`` and ``GET /helpdesk/api/tickets/?page_size=20``.

Each server: gunicorn, sync workers, the flags of scripts/serve-production.sh, DJANGO_DEBUG=0,
on 127.0.0.1 and a free port; each database made anew (``casework_bench``,
``casework_bench_orm``, ``casework_bench_helpdesk``). The clients are threads with
keep-alive connections (sync workers answer ``Connection: close``: a new connection a request, as
behind nginx); each run is bounded by ``--duration`` and ``--max-requests``.

    .venv/bin/python bench/load.py [--clients 32] [--duration 20] [--warmup 3] [--list-share 0.1]
                                   [--rounds 4] [--workers N] [--threads 1] [--skip-orm] [--skip-helpdesk]

The last line is machine-readable:
``RESULT cases_per_s=<n> p99_ms=<n> orm_ratio=<x> helpdesk_ratio=<x>`` where p99 is over every
request of the Casework run (creates and lists), orm_ratio is Casework's cases/s over the bare
ORM's, helpdesk_ratio Casework's cases/s over django-helpdesk's tickets/s (``nan`` when a part
did not run, with the reason printed). Targets (issue 4): ≥ 500 cases/s on 2 cores, p99 ≤ 150 ms
at 32 clients, orm_ratio ≥ 0.6, helpdesk_ratio ≥ 2. Absolute figures depend on the machine and on
what else runs on it: compare them only between runs on the same quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from benchlib import common as C  # noqa: E402
from benchlib import helpdesk as HD  # noqa: E402

DB = "casework_bench"
DB_ORM = "casework_bench_orm"
DB_HELPDESK = "casework_bench_helpdesk"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--duration", type=float, default=20.0, help="measured seconds per server")
    p.add_argument("--rounds", type=int, default=4, help="turns in which Casework and the bare ORM alternate")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    p.add_argument("--max-requests", type=int, default=200_000, help="per server, warm-up included")
    p.add_argument("--list-share", type=float, default=0.1, help="share of requests that list cases")
    p.add_argument("--workers", type=int, default=C.default_workers(), help="gunicorn workers (default 2×cores+1)")
    p.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (> 1: gthread)")
    p.add_argument("--townships", type=int, default=6)
    p.add_argument("--clerks-per-township", type=int, default=2)
    p.add_argument("--skip-orm", action="store_true")
    p.add_argument("--skip-helpdesk", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    if not (1 <= a.clients <= 512 and 0 < a.duration <= 3600 and 0 <= a.list_share <= 1 and 1 <= a.rounds <= 100):
        p.error("clients 1..512, duration 0..3600 s, list-share 0..1, rounds 1..100")
    return a


def casework_plan(clerks: list[C.Clerk], list_share: float):
    def plan(i: int, rng: random.Random):
        clerk = clerks[i % len(clerks)]
        if rng.random() < list_share:
            return "list", "GET", "/api/v1/cases?limit=20", None, C.json_headers(clerk.token)
        body = json.dumps(C.case_body(rng, clerk.unit_id, clerk.town), ensure_ascii=False).encode()
        return "create", "POST", "/api/v1/cases", body, C.json_headers(clerk.token, C.new_key())

    return plan


def bare_plan(clerks: list[C.Clerk], list_share: float):
    def plan(i: int, rng: random.Random):
        clerk = clerks[i % len(clerks)]
        if rng.random() < list_share:
            return "list", "GET", "/bare/cases", None, C.json_headers()
        body = json.dumps(C.case_body(rng, clerk.unit_id, clerk.town), ensure_ascii=False).encode()
        return "create", "POST", "/bare/cases", body, C.json_headers(key=C.new_key())

    return plan


def helpdesk_plan(users: list[dict], list_share: float):
    def plan(i: int, rng: random.Random):
        u = users[i % len(users)]
        if rng.random() < list_share:
            return "list", "GET", "/helpdesk/api/tickets/?page_size=20", None, C.json_headers(u["token"], scheme="Token")
        body = json.dumps(HD.ticket_body(rng, u["queue"], u["town"]), ensure_ascii=False).encode()
        return "create", "POST", "/helpdesk/api/tickets/", body, C.json_headers(u["token"], scheme="Token")

    return plan


def measure(server: C.Server, plan, args, label: str) -> C.LoadResult:
    took = server.start()
    C.log(f"   {server.name} up on 127.0.0.1:{server.port} in {took:.1f} s; "
          f"{args.clients} clients for {args.warmup:.0f}+{args.duration:.0f} s")
    try:
        result = C.run_load(label, server.port, plan, clients=args.clients, duration=args.duration,
                            warmup=args.warmup, max_requests=args.max_requests, seed=args.seed)
    finally:
        server.stop()
    report(server, result)
    return result


def measure_in_turns(runs: list[tuple[C.Server, object, str]], args) -> list[C.LoadResult]:
    """The servers all up, loaded one at a time, in ``--rounds`` turns of duration/rounds seconds each.

    What else the machine does drifts over a minute; in turns, each server meets the same drift,
    so their ratio holds better than with one whole run after the other.
    """
    window = args.duration / args.rounds
    parts: list[list[C.LoadResult]] = [[] for _ in runs]
    try:
        for server, _, _ in runs:
            took = server.start()
            C.log(f"   {server.name} up on 127.0.0.1:{server.port} in {took:.1f} s")
        C.log(f"   {args.clients} clients, {args.rounds} turns of {window:.1f} s per server "
              f"({args.warmup:.0f} s warm-up before the first, 1 s before the others)")
        for turn in range(args.rounds):
            for i, (server, plan, label) in enumerate(runs):
                parts[i].append(C.run_load(label, server.port, plan, clients=args.clients, duration=window,
                                           warmup=args.warmup if turn == 0 else 1.0,
                                           max_requests=args.max_requests, seed=args.seed + turn))
            C.log(f"   turn {turn + 1}/{args.rounds}: " + ", ".join(
                f"{server.name} {parts[i][-1].rate('create'):.0f} cases/s" for i, (server, _, _) in enumerate(runs)))
    finally:
        for server, _, _ in runs:
            server.stop()
    results = [C.merged(label, p) for (_, _, label), p in zip(runs, parts)]
    for (server, _, _), result in zip(runs, results):
        report(server, result)
    return results


def report(server: C.Server, result: C.LoadResult) -> None:
    print(C.describe(result), flush=True)
    logged = server.errors_logged()
    if logged:
        print(f"   the server logged {len(logged)} error lines, e.g. {logged[0][:200]}")


def main(argv=None) -> int:
    args = parse_args(argv)
    C.ensure_postgres()
    tmp = Path(tempfile.mkdtemp(prefix="casework-load-"))
    cores = os.cpu_count()
    print(f"bench/load.py: {cores} cores, load average {os.getloadavg()[0]:.2f} before the run; gunicorn "
          f"{args.workers} {'sync workers' if args.threads <= 1 else f'gthread workers × {args.threads} threads'}; {args.clients} clients; "
          f"{args.list_share:.0%} of requests list, the rest create", flush=True)
    try:
        # -- the Casework database: fresh, migrated, an organisation with tokens ----------------
        t0 = time.monotonic()
        env = C.casework_env(DB, tmp)
        C.recreate_database(DB)
        C.manage(env, "check", "--deploy", "--fail-level", "WARNING")
        C.manage(env, "migrate", "--noinput")
        C.manage(env, "seed_holidays")
        C.django_setup(env)
        clerks = C.build_org(townships=args.townships, clerks_per_township=args.clerks_per_township)
        from django.db import connections

        connections.close_all()
        if not args.skip_orm:
            C.recreate_database(DB_ORM, template=DB)  # the same organisation, for the ceiling
        C.log(f"   {DB}: migrated, {len(clerks)} intake clerks in {args.townships} townships "
              f"({time.monotonic() - t0:.1f} s)")

        # -- Casework and the bare-ORM ceiling, in turns ------------------------------------------
        gunicorn = Path(sys.executable).parent / "gunicorn"
        port = C.free_port()
        argv_cw = C.gunicorn_argv(gunicorn, "config.wsgi:application", port, workers=args.workers,
                                  threads=args.threads)
        runs = [(C.Server("casework", argv_cw, env, C.ROOT, port, tmp / "casework-gunicorn.log",
                          "/api/v1/categories", C.json_headers(clerks[0].token)),
                 casework_plan(clerks, args.list_share), "Casework full stack")]
        if not args.skip_orm:
            env_orm = C.casework_env(DB_ORM, tmp, DJANGO_SETTINGS_MODULE="benchlib.bare_settings")
            port = C.free_port()
            argv_orm = C.gunicorn_argv(gunicorn, "config.wsgi:application", port, workers=args.workers,
                                       threads=args.threads)
            runs.append((C.Server("bare ORM", argv_orm, env_orm, C.ROOT, port, tmp / "orm-gunicorn.log",
                                  "/bare/cases", C.json_headers()),
                         bare_plan(clerks, args.list_share), "bare ORM ceiling (case + event insert)"))
        results = measure_in_turns(runs, args)
        full = results[0]
        cases_per_s = full.rate("create")
        p99 = full.percentiles()["p99"]
        orm_ratio = float("nan")
        if not args.skip_orm and results[1].rate("create"):
            orm_ratio = cases_per_s / results[1].rate("create")

        # -- django-helpdesk ----------------------------------------------------------------------
        helpdesk_ratio = float("nan")
        if not args.skip_helpdesk:
            try:
                t0 = time.monotonic()
                site = HD.prepare(tmp, DB_HELPDESK, towns=C.TOWNS[: args.townships],
                                  per_town=args.clerks_per_township, workers=args.workers, threads=args.threads)
                C.log(f"   django-helpdesk project ready ({time.monotonic() - t0:.1f} s)")
                hd = measure(site.server, helpdesk_plan(site.users, args.list_share), args,
                             "django-helpdesk 2.6.1 REST API")
                if hd.rate("create"):
                    helpdesk_ratio = cases_per_s / hd.rate("create")
            except (HD.HelpdeskUnavailable, SystemExit) as e:  # SystemExit: its server did not come up
                print(f"django-helpdesk could not run here: {e}")

        print()
        print(f"Casework: {cases_per_s:.1f} cases/s, p99 {C.fmt_ms(p99)} ms over all requests "
              f"(targets: ≥ 500 cases/s, p99 ≤ 150 ms)")
        print(f"orm_ratio = Casework cases/s ÷ bare-ORM cases/s = {orm_ratio:.2f} (target ≥ 0.6)")
        print(f"helpdesk_ratio = Casework cases/s ÷ django-helpdesk tickets/s = {helpdesk_ratio:.2f} (target ≥ 2)")
        print(f"load average after the run: {os.getloadavg()[0]:.2f} on {cores} cores "
              f"(figures on a shared machine are noisy: re-measure on a quiet one)")
        print(f"RESULT cases_per_s={cases_per_s:.1f} p99_ms={C.fmt_ms(p99)} orm_ratio={orm_ratio:.2f} "
              f"helpdesk_ratio={helpdesk_ratio:.2f}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
