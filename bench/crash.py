"""Crash test: nothing acknowledged is lost or doubled when the server is killed under load.

Clients register cases through ``POST /api/v1/cases``, each with its own
``Idempotency-Key``; on a connection error, a time-out or a 5xx they send the same
request with the same key again (bounded in count and time) until it is acknowledged
with 201. Meanwhile the production server (gunicorn, sync workers, the flags of
scripts/serve-production.sh, DJANGO_DEBUG=0, 127.0.0.1 only) is killed with SIGKILL,
master and workers together, ``--kills`` times (default 3), and started again.

At the end, in the database (``casework_bench_crash``, made anew each run):
- every acknowledged case exists exactly once, under the number and id it was acknowledged with,
  and its key's idempotency record holds that same answer;
- no case exists that no idempotency record answers for (a retry that registered twice), and no
  case has more than one ``register`` event;
- ``manage.py verify_events`` passes: every event chain links and hashes.

    .venv/bin/python bench/crash.py [--quick] [--clients N] [--serve S] [--kills K] [--workers W]

``--quick`` runs a small version in under a minute. The last line is machine-readable:
``RESULT acknowledged=<n> found=<n> duplicates=<n> lost=<n>``; the exit status is non-zero when
anything was lost or doubled, the chains do not verify, or the run could not be completed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from benchlib import common as C  # noqa: E402

DB = "casework_bench_crash"
MAX_ATTEMPTS = 400  # per key
KEY_DEADLINE = 120.0  # seconds one key may take, retries included


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a small version, under a minute")
    p.add_argument("--clients", type=int)
    p.add_argument("--serve", type=float, help="seconds of load before the first kill, between a restart and the "
                   "next kill, and after the last restart")
    p.add_argument("--kills", type=int, default=3)
    p.add_argument("--workers", type=int)
    p.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (> 1: gthread)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    a.clients = a.clients or (8 if a.quick else 16)
    a.serve = a.serve or (2.0 if a.quick else 15.0)
    a.workers = a.workers or (2 if a.quick else C.default_workers())
    if not (1 <= a.clients <= 256 and 0 < a.serve <= 600 and 0 <= a.kills <= 20):
        p.error("clients 1..256, serve 0..600 s, kills 0..20")
    return a


@dataclass
class Tally:
    acked: list[dict] = field(default_factory=list)  # {"key", "user", "id", "number", "attempts"}
    unacked: list[dict] = field(default_factory=list)  # gave up: {"key", "user", "last"}
    refused: list[str] = field(default_factory=list)  # 4xx: a bug, never retried
    retried_attempts: int = 0
    recovered: int = 0  # keys acknowledged only after at least one failed attempt
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(i: int, port: int, clerks: list[C.Clerk], stop: threading.Event, tally: Tally, seed: int,
           hard_stop: float) -> None:
    rng = random.Random(seed * 1000 + i)
    clerk = clerks[i % len(clerks)]
    conn = C.Http(port, timeout=15)
    while not stop.is_set() and time.monotonic() < hard_stop:
        key = C.new_key()
        body = json.dumps(C.case_body(rng, clerk.unit_id, clerk.town), ensure_ascii=False).encode()
        headers = C.json_headers(clerk.token, key)
        started, attempts, last, first_failure = time.monotonic(), 0, "", None
        while attempts < MAX_ATTEMPTS and time.monotonic() - started < KEY_DEADLINE and time.monotonic() < hard_stop:
            attempts += 1
            try:
                status, data = conn.request("POST", "/api/v1/cases", body, headers)
            except (OSError, http.client.HTTPException) as e:
                status, data = -1, repr(e).encode()
            if status == 201:
                answer = json.loads(data)
                with tally.lock:
                    tally.acked.append({"key": key, "user": clerk.username, "id": answer["id"],
                                        "number": answer["number"], "attempts": attempts,
                                        "first_failure": first_failure})
                    tally.retried_attempts += attempts - 1
                    tally.recovered += attempts > 1
                break
            if 400 <= status < 500:
                with tally.lock:
                    tally.refused.append(f"{status}: {data[:200].decode(errors='replace')}")
                break
            last = f"{status} {data[:120].decode(errors='replace')}"
            first_failure = first_failure or time.time()
            time.sleep(min(0.5, 0.02 * attempts) * (0.5 + rng.random()))  # the server is down or restarting
        else:
            with tally.lock:
                tally.unacked.append({"key": key, "user": clerk.username, "last": last})
    conn.close()


def killer(server: C.Server, kills: int, serve: float, log: list[str]) -> None:
    """Under load for ``serve`` seconds, then ``kills`` times: SIGKILL to master and workers, start again,
    ``serve`` seconds of load."""
    t0 = time.monotonic()
    time.sleep(serve)
    for k in range(kills):
        master = server.proc.pid
        pids = server.kill()
        down = time.monotonic()
        time.sleep(0.3)
        took = server.start()
        log.append(f"kill {k + 1}: SIGKILL to {len(pids)} processes (master {master} and {len(pids) - 1} workers) at "
                   f"{down - t0:.1f} s; serving again {time.monotonic() - down:.1f} s later (start {took:.1f} s)")
        C.log("   " + log[-1])
        time.sleep(serve)


def verify(tally: Tally) -> dict:
    """Check, in the database, what the clients were told."""
    from django.db.models import Count

    from casework.api.models import IdempotencyRecord
    from casework.audit.models import Event
    from casework.cases.models import Case

    cases = {c["id"]: c["number"] for c in Case.objects.values("id", "number")}
    by_number: dict[str, int] = {}
    for number in cases.values():
        by_number[number] = by_number.get(number, 0) + 1
    records = {(r.user.username, r.key): r for r in IdempotencyRecord.objects.select_related("user")}
    found = mismatched = 0
    problems: list[str] = []
    for a in tally.acked:
        rec = records.get((a["user"], a["key"]))
        ok = (by_number.get(a["number"]) == 1 and cases.get(a["id"]) == a["number"] and rec is not None
              and rec.status == 201 and rec.response.get("number") == a["number"]
              and rec.response.get("id") == a["id"])
        if ok:
            found += 1
        elif by_number.get(a["number"]):
            mismatched += 1
            problems.append(f"acknowledged {a['number']} (key {a['key']}) exists but does not match its record")
        else:
            problems.append(f"acknowledged {a['number']} (key {a['key']}) is missing")
    answered = {r.response.get("id") for r in records.values() if r.status == 201}
    orphans = [cid for cid in cases if cid not in answered]  # a case no key answers for: registered twice
    unfinished = [k for k, r in records.items() if r.status != 201]
    double_events = list(Event.objects.filter(verb="register").values("case_id").annotate(n=Count("id"))
                         .filter(n__gt=1).values_list("case_id", flat=True))
    duplicates = len(orphans) + len(double_events) + sum(n - 1 for n in by_number.values() if n > 1) + mismatched
    for cid in orphans[:5]:
        problems.append(f"case #{cid} {cases[cid]} has no idempotency record answering for it")
    for cid in double_events[:5]:
        problems.append(f"case #{cid} has more than one register event")
    if unfinished:
        problems.append(f"{len(unfinished)} idempotency records without an answer")
    # acknowledged only on a retry, though the first attempt had committed before its connection died:
    # the answer came from the idempotency record
    replayed = sum(1 for a in tally.acked if a["first_failure"] and (rec := records.get((a["user"], a["key"])))
                   and rec.created_at.timestamp() < a["first_failure"])
    # keys never acknowledged: each may have registered once (its commit raced the kill) but not twice
    unacked_keys = {(u["user"], u["key"]) for u in tally.unacked}
    return {
        "cases": len(cases), "records": len(records), "found": found, "duplicates": duplicates,
        "lost": len(tally.acked) - found - mismatched, "problems": problems,
        "unacked_committed": sum(1 for k in unacked_keys if k in records), "replayed": replayed,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    t_begin = time.monotonic()
    C.ensure_postgres()
    tmp = Path(tempfile.mkdtemp(prefix="casework-crash-"))
    server = None
    try:
        print(f"bench/crash.py{' --quick' if args.quick else ''}: {args.clients} clients; {args.kills} × SIGKILL of "
              f"gunicorn (master and workers) with {args.serve:.0f} s of load around each; {args.workers} "
              f"{'sync workers' if args.threads <= 1 else f'gthread workers × {args.threads} threads'}, 127.0.0.1 only", flush=True)
        env = C.casework_env(DB, tmp)
        template = C.migrated_template(lambda db: C.casework_env(db, tmp))
        C.recreate_database(DB, template=template)  # migrated and seeded: a copy of the cached template
        C.django_setup(env)
        clerks = C.build_org(townships=4, clerks_per_township=2)
        from django.db import connections

        connections.close_all()
        C.log(f"   {DB} ready ({time.monotonic() - t_begin:.1f} s)")

        port = C.free_port()
        server = C.Server("casework", C.gunicorn_argv(Path(sys.executable).parent / "gunicorn",
                                                      "config.wsgi:application", port, workers=args.workers,
                                                      threads=args.threads),
                          env, C.ROOT, port, tmp / "gunicorn.log", "/api/v1/categories", C.json_headers(clerks[0].token))
        C.log(f"   server up in {server.start():.1f} s")

        tally, stop, kill_log = Tally(), threading.Event(), []
        hard_stop = time.monotonic() + (args.kills + 1) * (args.serve + 130) + KEY_DEADLINE
        threads = [threading.Thread(target=client, args=(i, port, clerks, stop, tally, args.seed, hard_stop),
                                    daemon=True) for i in range(args.clients)]
        k = threading.Thread(target=killer, args=(server, args.kills, args.serve, kill_log), daemon=True)
        t_load = time.monotonic()
        for t in threads:
            t.start()
        k.start()
        k.join(timeout=(args.kills + 1) * (args.serve + 130))  # each restart is bounded (Server.start)
        stop.set()  # clients finish the key in hand (retrying it until acknowledged), then stop
        for t in threads:
            t.join(timeout=max(0.1, hard_stop - time.monotonic()))
        load_s = time.monotonic() - t_load
        server.stop()
        completed = len(kill_log) == args.kills and not any(t.is_alive() for t in threads)

        result = verify(tally)
        v = subprocess.run([sys.executable, str(C.ROOT / "manage.py"), "verify_events", "--quiet"], env=env,
                           cwd=C.ROOT, capture_output=True, text=True, timeout=600)
        r = v.stdout + v.stderr
        chains_ok = v.returncode == 0

        print(f"load: {load_s:.1f} s, {len(tally.acked)} cases acknowledged "
              f"({len(tally.acked) / load_s:.1f}/s), {tally.recovered} of them only after a failed attempt "
              f"({tally.retried_attempts} retries in all), {result['replayed']} of those had committed before the "
              f"kill and got the stored answer; {len(tally.unacked)} keys given up, "
              f"{len(tally.refused)} refused with a 4xx")
        for line in kill_log:
            print(f"  {line}")
        print(f"database: {result['cases']} cases, {result['records']} idempotency records; "
              f"{result['unacked_committed']} of the given-up keys had committed (each once)")
        for p in result["problems"][:20]:
            print(f"  PROBLEM: {p}")
        for e in tally.refused[:5]:
            print(f"  REFUSED: {e}")
        print(f"manage.py verify_events: exit {v.returncode}: {r.strip().splitlines()[-1] if r.strip() else '(no output)'}")
        if not completed:
            print(f"the run did not complete: {len(kill_log)} of {args.kills} kills, "
                  f"{sum(t.is_alive() for t in threads)} clients still running")
        print(f"total {time.monotonic() - t_begin:.1f} s")
        print(f"RESULT acknowledged={len(tally.acked)} found={result['found']} duplicates={result['duplicates']} "
              f"lost={result['lost']}")
        bad = result["lost"] or result["duplicates"] or not chains_ok or not completed or tally.refused
        return 1 if bad else 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
