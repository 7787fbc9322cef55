"""What bench/load.py and bench/crash.py share.

- a fresh PostgreSQL database (dropped and created again each run) on the local cluster
  that ``scripts/postgres.sh`` keeps (role casework, CREATEDB);
- a small organisation: a county with several townships, each with its own 信访办 and a
  few intake clerks holding API tokens, so that registrations land on different event
  chains and case-number counters, as they do in real life;
- the production server: gunicorn, sync workers, the flags of ``scripts/serve-production.sh``,
  ``DJANGO_DEBUG=0``, bound to 127.0.0.1 on a free port, in its own process group so that
  master and workers can be killed together;
- bounded HTTP clients: threads with keep-alive ``http.client`` connections, each loop
  bounded in count and in time, only ever to 127.0.0.1.

Only the standard library and the project's own dependencies are used here.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # every server and every request of the benchmarks: loopback only

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "casework")
PG_PASSWORD = os.environ.get("BENCH_PG_PASSWORD", "casework")

# Behind nginx (scripts/serve-production.sh), TLS ends at the proxy, which says so in this
# header; the settings then neither redirect to https nor refuse the request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- PostgreSQL -------------------------------------------------------------------------------


def pg_url(db: str) -> str:
    return f"postgres://{PG_USER}:{PG_PASSWORD}@{PG_HOST}:{PG_PORT}/{db}"


def _admin():
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, password=PG_PASSWORD, dbname="postgres", autocommit=True,
        connect_timeout=10,
    )


def ensure_postgres() -> None:
    """The local cluster answers and the role may create databases (else: run scripts/postgres.sh)."""
    try:
        with _admin() as conn:
            ok = conn.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    except Exception as e:  # noqa: BLE001 - any failure means the same thing here
        r = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh")], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"PostgreSQL is not reachable ({e}); scripts/postgres.sh said:\n{r.stderr}") from None
        with _admin() as conn:
            ok = conn.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    if not ok:
        raise SystemExit(f"role {PG_USER} may not create databases (scripts/postgres.sh grants CREATEDB)")


def recreate_database(name: str, *, template: str | None = None) -> None:
    """Drop ``name`` (closing its connections) and create it anew, empty or as a copy of ``template``."""
    assert name.replace("_", "").isalnum(), name
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")


def _migrations_fingerprint() -> str:
    import hashlib

    import django

    h = hashlib.sha256(django.__version__.encode())
    for f in sorted((ROOT / "casework").glob("*/migrations/*.py")):
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def migrated_template(env_for: Callable[[str], dict[str, str]]) -> str:
    """A database migrated and seeded with the holiday schedule, kept as a template between runs
    and made again whenever a migration file changes; copying it is much faster than migrating."""
    name = f"casework_bench_tpl_{_migrations_fingerprint()}"
    with _admin() as conn:
        have = {r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'casework_bench_tpl_%'")}
    if name in have:
        return name
    build = name + "_build"
    recreate_database(build)
    env = env_for(build)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_holidays")
    with _admin() as conn:
        conn.execute(f'ALTER DATABASE "{build}" RENAME TO "{name}"')  # never a half-built template
        for old in have - {name}:
            conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    return name


def drop_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- Django, in this process (setup and verification only; the load goes through HTTP) ----------


BENCH_SECRET = "bench-" + secrets.token_urlsafe(40)


def casework_env(db: str, tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of the production server (and of this process's Django) for the bench DB."""
    static = tmp / "static"
    static.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": BENCH_SECRET,
        # personal data at rest (docs/security.md): keys of the bench's own
        "CASEWORK_DATA_KEYS": "YmVuY2gtb25seS1kYXRhLWtleS0wMTIzNDU2Nzg5YWI=",
        "CASEWORK_INDEX_KEY": "bench-only-blind-index-key-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": pg_url(db),
        "DJANGO_STATIC_ROOT": str(static),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "CASEWORK_VAR_DIR": str(tmp / "var"),
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this process from ``env`` (once per process)."""
    for k in ("DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL",
              "DJANGO_STATIC_ROOT", "DJANGO_MEDIA_ROOT", "CASEWORK_VAR_DIR", "CASEWORK_DATA_KEYS", "CASEWORK_INDEX_KEY"):
        os.environ[k] = env[k]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """``manage.py ARGS`` in a subprocess with ``env``; its output, or SystemExit with it."""
    r = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r.stdout + r.stderr


TOWNS = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇", "己镇", "庚镇", "辛镇", "壬镇", "癸镇"]


@dataclass(frozen=True)
class Clerk:
    username: str
    unit_id: int
    token: str
    town: str


def build_org(*, townships: int = 6, clerks_per_township: int = 2) -> list[Clerk]:
    """A county with ``townships`` townships, each a 信访办 with its intake clerks and their tokens."""
    from django.contrib.auth import get_user_model

    from casework.api.models import ApiToken
    from casework.organisation.models import Membership
    from casework.organisation.services import jurisdiction_create, unit_create

    assert 1 <= townships <= len(TOWNS)
    User = get_user_model()
    province = jurisdiction_create(name="西地省", code="P1", level="province")
    city = jurisdiction_create(name="A市", code="C1", level="city", parent=province)
    county = jurisdiction_create(name="东县", code="K1", level="county", parent=city)
    unit_create(name="东县信访局", kind="petition_office", jurisdiction=county)
    unit_create(name="东县住房和城乡建设局", kind="department", jurisdiction=county, categories="城乡建设")
    clerks = []
    for i in range(townships):
        town = jurisdiction_create(name=TOWNS[i], code=f"T{i + 1}", level="township", parent=county)
        office = unit_create(name=f"{TOWNS[i]}信访办", kind="petition_office", jurisdiction=town)
        for k in range(clerks_per_township):
            user = User.objects.create_user(f"clerk_t{i + 1}_{k + 1}", password=None)  # token only
            Membership.objects.create(user=user, unit=office, role="intake_clerk")
            _, token = ApiToken.issue(user, "bench")
            clerks.append(Clerk(user.username, office.pk, token, TOWNS[i]))
    return clerks


# -- requests ---------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
MATTERS = [
    ("城乡建设", "请求修复村道", "村道损坏两年无人修理，雨天无法通行，村民多次反映未果。"),
    ("环境保护", "请求制止夜间施工噪音", "小区旁工地夜间施工至凌晨，严重影响居民休息。"),
    ("劳动保障", "请求追讨拖欠工资", "在某建筑工地务工三个月，工资至今未结清。"),
    ("农业农村", "请求核实土地承包面积", "二轮延包时承包面积登记有误，少登记两亩。"),
    ("社会保障", "请求办理养老保险转移", "异地缴纳的养老保险无法转入本地，多次办理未果。"),
]


def case_body(rng: random.Random, unit_id: int, town: str) -> dict:
    category, request, facts = rng.choice(MATTERS)
    n = rng.randrange(1_000_000)
    return {
        "unit_id": unit_id,
        "complainants": [{
            "name": rng.choice(SURNAMES) + rng.choice(["某", "先生", "女士"]) + str(n % 100),
            "address": f"{town}幸福村{n % 12 + 1}组{n % 50 + 1}号",
            "phone": f"13{n:09d}",
        }],
        "channel": "api",
        "title": f"{request}（{n}）",
        "request": request,
        "facts_reasons": facts,
        "category": category,
    }


class Http:
    """One keep-alive connection to 127.0.0.1:port; reconnects after the server closed it."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Raises OSError / http.client.HTTPException when the server is gone (the caller decides)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            r = self.conn.getresponse()
            data = r.read()
            if r.will_close:
                self.close()
            return r.status, data
        except BaseException:
            self.close()
            raise


def json_headers(token: str | None = None, key: str | None = None, scheme: str = "Bearer") -> dict[str, str]:
    h = {"Content-Type": "application/json", **PROXY_HEADERS}
    if token:
        h["Authorization"] = f"{scheme} {token}"
    if key:
        h["Idempotency-Key"] = key
    return h


def new_key() -> str:
    return uuid.uuid4().hex


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def default_workers() -> int:
    return (os.cpu_count() or 1) * 2 + 1  # as scripts/serve-production.sh


def gunicorn_argv(gunicorn: Path | str, app: str, port: int, *, workers: int, threads: int = 1) -> list[str]:
    """The gunicorn command of scripts/serve-production.sh, bound to 127.0.0.1:port: sync workers, or
    gthread with ``threads`` > 1 (as THREADS does there)."""
    kind = ["--worker-class", "sync"] if threads <= 1 else ["--worker-class", "gthread", "--threads", str(threads)]
    return [
        str(gunicorn), app,
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        *kind,
        "--max-requests", "5000", "--max-requests-jitter", "500",
        "--graceful-timeout", "20", "--timeout", "180",
        "--access-logfile", "-", "--error-logfile", "-",
    ]


class Server:
    """A gunicorn in its own process group: ``kill()`` takes master and workers down at once."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, port: int, logfile: Path,
                 ready_path: str, ready_headers: dict[str, str] | None = None) -> None:
        self.name, self.argv, self.env, self.cwd, self.port = name, argv, env, cwd, port
        self.logfile, self.ready_path, self.ready_headers = logfile, ready_path, ready_headers or {}
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 120.0) -> float:
        """Start and wait until a worker answers ``ready_path`` (bounded); returns the seconds it took."""
        t0 = time.monotonic()
        out = open(self.logfile, "ab")
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        self.starts += 1
        deadline = t0 + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                c = Http(self.port, timeout=5)
                status, _ = c.request("GET", self.ready_path, headers=self.ready_headers)
                c.close()
                if status < 500:
                    return time.monotonic() - t0
                last = f"HTTP {status}"
            except (OSError, http.client.HTTPException) as e:
                last = repr(e)
            time.sleep(0.1)
        self.kill()
        raise SystemExit(f"{self.name}: not ready after {timeout:.0f} s ({last}):\n{self.tail()}")

    def pids(self) -> list[int]:
        """Master and workers: every live process of the group (zombies waiting to be reaped excluded)."""
        if self.proc is None:
            return []
        pgid = self.proc.pid
        out = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
                    out.append(int(d.name))
        return out

    def kill(self) -> list[int]:
        """SIGKILL to master and workers together (no graceful anything); returns the pids killed."""
        if self.proc is None:
            return []
        pids = self.pids()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while self.pids() and time.monotonic() < deadline:  # workers are reparented and reaped by init
            time.sleep(0.05)
        return pids

    def stop(self) -> None:
        """Graceful: SIGTERM to the master, then SIGKILL to the group if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def errors_logged(self) -> list[str]:
        """Tracebacks and error lines the server logged (access-log lines excluded)."""
        try:
            lines = self.logfile.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [ln for ln in lines if "Traceback" in ln or "[ERROR]" in ln or "Error:" in ln]


# -- load -------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int
    ms: float
    t: float  # seconds since the measured window opened


@dataclass
class LoadResult:
    name: str
    duration: float
    samples: list[Sample] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    failure_examples: list[str] = field(default_factory=list)
    reconnects: int = 0

    def ok(self, kind: str | None = None) -> list[Sample]:
        return [s for s in self.samples if s.status < 400 and (kind is None or s.kind == kind)]

    def rate(self, kind: str) -> float:
        return len(self.ok(kind)) / self.duration if self.duration else 0.0

    def percentiles(self, kind: str | None = None) -> dict[str, float]:
        ms = sorted(s.ms for s in self.ok(kind))
        return {f"p{p}": pct(ms, p) for p in (50, 95, 99)} | {"max": ms[-1] if ms else float("nan")}


def merged(name: str, parts: list[LoadResult]) -> LoadResult:
    """Several measured windows of the same load as one result (durations add up)."""
    out = LoadResult(name, sum(r.duration for r in parts))
    for r in parts:
        out.samples.extend(r.samples)
        for k, v in r.failures.items():
            out.failures[k] = out.failures.get(k, 0) + v
        out.failure_examples.extend(r.failure_examples[: max(0, 6 - len(out.failure_examples))])
        out.reconnects += r.reconnects
    return out


def pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


# A request plan: called with the client's index and its random generator, returns
# (kind, method, path, body, headers).
Plan = Callable[[int, random.Random], tuple[str, str, str, bytes | None, dict[str, str]]]


def run_load(name: str, port: int, plan: Plan, *, clients: int, duration: float, warmup: float,
             max_requests: int, seed: int = 1) -> LoadResult:
    """``clients`` threads, each with its keep-alive connection, for ``warmup`` + ``duration`` seconds
    or ``max_requests`` requests in all, whichever ends first. Only the window after warmup is measured."""
    result = LoadResult(name, duration)
    lock = threading.Lock()
    issued = [0]
    start = threading.Barrier(clients + 1)
    t_open = [0.0]
    t_close = [0.0]
    stop = threading.Event()

    def client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        conn = Http(port)
        mine: list[Sample] = []
        fails: dict[str, int] = {}
        examples: list[str] = []
        reconnects = 0
        start.wait()
        while not stop.is_set():
            with lock:
                if issued[0] >= max_requests:
                    break
                issued[0] += 1
            kind, method, path, body, headers = plan(i, rng)
            t0 = time.perf_counter()
            if t0 >= t_close[0]:
                break
            for attempt in range(2):
                try:
                    status, data = conn.request(method, path, body, headers)
                    break
                except (OSError, http.client.HTTPException) as e:
                    # A keep-alive connection the server closed (a worker recycled after
                    # --max-requests): the request never reached a worker; once more, fresh.
                    # A retried create carries the same Idempotency-Key.
                    status, data = -1, repr(e).encode()
                    reconnects += 1
            t1 = time.perf_counter()
            if t0 < t_open[0]:
                continue  # warm-up
            mine.append(Sample(kind, status, (t1 - t0) * 1000, t0 - t_open[0]))
            if status < 0 or status >= 400:
                key = f"{kind} {status}"
                fails[key] = fails.get(key, 0) + 1
                if len(examples) < 3:
                    examples.append(f"{key}: {data[:300].decode(errors='replace')}")
        conn.close()
        with lock:
            result.samples.extend(mine)
            for k, v in fails.items():
                result.failures[k] = result.failures.get(k, 0) + v
            result.failure_examples.extend(examples[: max(0, 6 - len(result.failure_examples))])
            result.reconnects += reconnects

    threads = [threading.Thread(target=client, args=(i,), daemon=True, name=f"client-{i}") for i in range(clients)]
    for t in threads:
        t.start()
    now = time.perf_counter()
    t_open[0] = now + warmup
    t_close[0] = now + warmup + duration
    start.wait()
    limit = warmup + duration + 90  # a request may take up to the client timeout after the window
    for t in threads:
        t.join(timeout=max(0.1, limit - (time.perf_counter() - now)))
    stop.set()
    # Requests that started before the window closed, whatever they took, are counted; the rate is over
    # the window (the tail of slow requests is small next to it).
    result.duration = duration
    return result


def fmt_ms(x: float) -> str:
    return "nan" if x != x else f"{x:.1f}"


def describe(result: LoadResult, create_kind: str = "create") -> str:
    lines = [f"== {result.name}: {len(result.samples)} requests in {result.duration:.0f} s measured"]
    kinds = sorted({s.kind for s in result.samples})
    for kind in kinds + ["all"]:
        k = None if kind == "all" else kind
        n_ok = len(result.ok(k))
        p = result.percentiles(k)
        rate = n_ok / result.duration if result.duration else 0
        lines.append(
            f"   {kind:<8} ok={n_ok:<6} {rate:8.1f}/s   p50={fmt_ms(p['p50'])} ms  p95={fmt_ms(p['p95'])} ms  "
            f"p99={fmt_ms(p['p99'])} ms  max={fmt_ms(p['max'])} ms"
        )
    if result.failures:
        lines.append(f"   failures: {json.dumps(result.failures)}")
        lines.extend(f"     e.g. {e}" for e in result.failure_examples)
    if result.reconnects:
        lines.append(f"   reconnects after the server closed a keep-alive connection: {result.reconnects}")
    return "\n".join(lines)
