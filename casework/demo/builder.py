"""Load (and, on SQLite, wipe) the demo: a fictional city, its staff, and cases made through the real actions."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, ProtectedError
from django.utils import timezone

from casework.audit.models import Event
from casework.cases.models import Case, CaseParty, Person
from casework.organisation.models import Jurisdiction
from casework.progress import progress_bar
from casework.rules.lifecycle import OPEN

from .disputes import tell_disputes
from .models import DemoLoad
from .org import DEMO_EMAIL_DOMAIN, PROVINCE_CODE, DemoError, Org, build_org
from .scenario import Storyteller
from .sources import LABELED, Message, load_hot_topics, load_messages

SPAN_DAYS = 182  # cases were received over the last six months
SHARE_FROM_REPLIES = 0.75  # of cases old enough to be answered, how many use a message with its real reply
OLD_ENOUGH = 45  # days
SHARE_RESUBMITTED = 0.02  # cases that are a resubmission merged into the case in hand
SHARE_STUCK = 0.04  # cases accepted 70+ days ago and still unanswered: overdue
SHARE_HOT = 0.05  # cases on a problem many residents raise (messages_with_votes), received in the last weeks
HOT_DAYS = 56
BATCH = 100  # cases per transaction (the actions nest inside it as savepoints)


@dataclass
class Result:
    org: Org
    source: str
    cases: int
    by_state: Counter
    overdue: int
    supervised: int
    rated: int
    merged: int
    withdrawn: int
    extensions: int
    refused: list[str] = field(default_factory=list)
    access_codes: list[tuple[str, str]] = field(default_factory=list)
    router: str = ""  # how training the routing model went
    disputes: int = 0  # people's mediation disputes (demo/disputes.py)


def demo_root() -> Jurisdiction | None:
    return Jurisdiction.objects.filter(code=PROVINCE_CODE).first()


def demo_status() -> DemoLoad | None:
    return DemoLoad.objects.filter(pk=1).first()


def _status(**fields) -> None:
    DemoLoad.objects.update_or_create(pk=1, defaults=fields)


def load_demo(*, cases: int = 3000, seed: int = 20240501, data_dir: Path | None = None, progress: bool = True,
              today: dt.date | None = None, org: Org | None = None, router_seed_limit: int | None = None) -> Result:
    """Make the demo: the organisation (unless ``org`` is given, built already), the cases, the routing model.

    ``progress``: a progress bar, on a terminal only (a log gets none). With the labelled messages in
    ``data_dir`` the routing model is trained on them (``router_seed_limit``: only that many, for tests),
    in a second process while the cases are made.
    """
    if org is None:
        if demo_root() is not None:
            raise DemoError("演示数据已存在")
        org = build_org(random.Random(seed))
    rng = random.Random(seed + 1)
    today = today or timezone.localdate()
    bar_on = progress
    _status(phase=DemoLoad.Phase.CASES, total=cases, done=0, pid=os.getpid(), message="")
    training = _SeedTraining.start(data_dir, router_seed_limit)
    messages, source = load_messages(data_dir)
    if not messages:
        training.stop()
        raise DemoError(f"没有可用的留言：{source}")
    teller = Storyteller(org, rng, today)
    hot = [m for topic in load_hot_topics(data_dir, round(cases * SHARE_HOT)) for m in topic]
    plan = _plan(rng, messages, cases - len(hot), today)
    # the hot issues: more of them lately (the board shows the weeks)
    plan += [(m, today - dt.timedelta(days=int(HOT_DAYS * rng.random() ** 2)), False) for m in hot]
    plan.sort(key=lambda p: p[1])

    made: list[Case] = []
    with progress_bar(total=cases, unit="件", desc="演示案件", enabled=bar_on) as bar:
        for start in range(0, len(plan), BATCH):
            with transaction.atomic():
                for msg, received, stuck in plan[start:start + BATCH]:
                    case = teller.tell(msg, received, stuck=stuck)
                    if case is not None:
                        made.append(case)
                    bar.update(1)
                DemoLoad.objects.filter(pk=1).update(done=min(start + BATCH, len(plan)))
        # Resubmissions of matters still in hand, merged into them (Art 19 ¶3).
        wanted = cases - len(plan)
        open_ids = list(Case.objects.filter(pk__in=[c.pk for c in made], state__in=[s.value for s in OPEN])
                        .values_list("pk", flat=True))
        rng.shuffle(open_ids)
        with transaction.atomic():
            for pk in open_ids:
                if wanted <= 0:
                    break
                target = Case.objects.get(pk=pk)
                msg = _message_of(target)
                if teller.resubmit(target, msg) is not None:
                    wanted -= 1
                    bar.update(1)
            while wanted > 0:  # nothing left to merge into: ordinary cases instead
                msg = rng.choice(messages)
                teller.tell(msg, today - dt.timedelta(days=rng.randint(0, SPAN_DAYS)))
                wanted -= 1
                bar.update(1)

    demo_cases = Case.objects.filter(jurisdiction__path__startswith=org.province.path)
    overdue = demo_cases.filter(state__in=[s.value for s in OPEN], duty_due_on__lt=today)  # the unit is late, not a window
    with transaction.atomic():
        supervised = teller.supervise(list(overdue.select_related("jurisdiction", "current_unit").order_by("pk")))
    disputes = tell_disputes(org, rng, today)
    _status(phase=DemoLoad.Phase.ROUTER, done=cases)
    router = training.store(org, bar_on) if training.running else _train_router(org, bar_on)
    result = Result(
        router=router, org=org, source=source, cases=demo_cases.count(), disputes=disputes.disputes,
        by_state=Counter(dict((s, n) for s, n in _count_by_state(demo_cases))),
        overdue=overdue.count(), supervised=supervised,
        rated=demo_cases.exclude(satisfaction="").count(),
        merged=teller.stats.merged,
        withdrawn=Event.objects.filter(verb="withdraw", case__in=demo_cases).count(),
        extensions=demo_cases.filter(extension_days_granted__gt=0).count(),
        refused=teller.stats.refused + disputes.refused, access_codes=teller.stats.access_codes,
    )
    _status(phase=DemoLoad.Phase.DONE, pid=None, message=router[:300])
    return result


def _train_router(org: Org, progress: bool) -> str:
    """Train the routing model on the demo's closed cases, as the daily job would; a line saying how it went."""
    from casework.insight.errors import TrainingDataError
    from casework.insight.training import router_train

    try:
        model = router_train(org.province, evaluate_holdout=False, progress=progress)
    except TrainingDataError as e:
        return e.message
    return f"第 {model.version} 版，由 {model.n_cases} 件已办结案件训练，{len(model.classes)} 个类别"


class _SeedTraining:
    """The routing model trained on the government's labelled messages, in a second process while the cases are
    made (the two take about as long; a 2-core machine does both at once). The child only fits and writes the
    model's bytes to a file; the parent stores it, with the units the demo's closed cases went to."""

    def __init__(self, path: Path | None, limit: int | None) -> None:
        self.path, self.limit, self.process, self.out = path, limit, None, None

    @classmethod
    def start(cls, data_dir: Path | None, limit: int | None) -> "_SeedTraining":
        path = data_dir / LABELED if data_dir is not None and (data_dir / LABELED).is_file() else None
        t = cls(path, limit)
        if path is not None:
            fd, out = tempfile.mkstemp(prefix="casework-router-", suffix=".npz")
            os.close(fd)
            t.out = Path(out)
            t.process = multiprocessing.get_context("fork").Process(
                target=_fit_seed, args=(str(path), limit, str(t.out)), daemon=True)
            t.process.start()
        return t

    @property
    def running(self) -> bool:
        return self.process is not None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.out.unlink(missing_ok=True)

    def store(self, org: Org, progress: bool) -> str:
        from casework.insight.router import Router
        from casework.insight.training import router_store, seed_rows, training_rows

        self.process.join()
        try:
            if self.process.exitcode != 0 or not self.out.stat().st_size:
                return f"训练失败（子进程退出码 {self.process.exitcode}），请运行 manage.py train_router --seed {self.path}"
            router = Router.from_bytes(self.out.read_bytes())
        finally:
            self.out.unlink(missing_ok=True)
        n_seed = len(_limited(seed_rows(self.path).labels, self.limit))
        model = router_store(org.province, router, cases=None, unit_rows=training_rows(org.province),
                             seed=self.path, n_seed=n_seed)
        return f"第 {model.version} 版，由 {n_seed} 条政府已分类留言训练，{len(model.classes)} 个类别"


def _limited(items: list, limit: int | None) -> list:
    return items if limit is None else items[:limit]


def _fit_seed(path: str, limit: int | None, out: str) -> None:
    from casework.insight.router import Router
    from casework.insight.training import seed_rows

    rows = seed_rows(Path(path))
    idx = list(range(len(rows.labels)))
    if limit is not None:
        random.Random(0).shuffle(idx)
        idx = sorted(idx[:limit])
    pick = lambda xs: [xs[i] for i in idx]  # noqa: E731
    router = Router().fit(pick(rows.texts), pick(rows.titles), pick(rows.labels), n_jobs=1)
    Path(out).write_bytes(router.to_bytes())


def _count_by_state(qs):
    return qs.values_list("state").annotate(n=Count("id")).order_by()


def _message_of(case: Case) -> Message:
    return Message(case.title, case.facts_reasons, case.category)


def _plan(rng: random.Random, messages: list[Message], n: int, today: dt.date) -> list[tuple[Message, dt.date, bool]]:
    """(message, received date, stuck) for the cases told directly, oldest first (so case numbers follow dates)."""
    main = n - round(n * SHARE_RESUBMITTED)
    stuck = max(1, round(n * SHARE_STUCK)) if main > 1 else 0
    dates = [(today - dt.timedelta(days=rng.randint(80, SPAN_DAYS)), True) for _ in range(stuck)]
    dates += [(today - dt.timedelta(days=rng.randint(0, SPAN_DAYS)), False) for _ in range(main - stuck)]
    dates.sort()
    replied = [m for m in messages if m.has_reply]
    plain = [m for m in messages if not m.has_reply]
    pools = {True: _Cycle(rng, replied or plain), False: _Cycle(rng, plain or replied)}
    plan = []
    for received, is_stuck in dates:
        old = (today - received).days >= OLD_ENOUGH and not is_stuck
        plan.append((pools[old and rng.random() < SHARE_FROM_REPLIES].next(), received, is_stuck))
    return plan


class _Cycle:
    """Draw without replacement; start over (reshuffled) when the pool runs out."""

    def __init__(self, rng: random.Random, items: list) -> None:
        self.rng, self.items, self.queue = rng, items, []

    def next(self):
        if not self.queue:
            self.queue = list(self.items)
            self.rng.shuffle(self.queue)
        return self.queue.pop()


# -- reset (SQLite only) --------------------------------------------------------


def reset_demo() -> int:
    """Delete the demo organisation, its cases, events and users. Returns how many cases went.

    Events are append-only: on PostgreSQL the database refuses to delete them
    (and should). Only a throwaway SQLite database may be wiped this way.
    """
    if connection.vendor != "sqlite":
        raise DemoError(
            f"--reset 只能用于 SQLite：{connection.vendor} 上的事件记录只能追加、不能删除。"
            "如需重建演示数据，请删除并重新创建数据库，再运行 migrate 和 load_demo。"
        )
    root = demo_root()
    if root is None:
        return 0
    with transaction.atomic():
        jurisdictions = Jurisdiction.objects.filter(path__startswith=root.path)
        jids = list(jurisdictions.values_list("pk", flat=True))
        cases = Case.objects.filter(jurisdiction_id__in=jids)
        n = cases.count()
        person_ids = list(CaseParty.objects.filter(case__in=cases).values_list("person_id", flat=True))
        cases.update(merged_into=None)
        # Every case-scoped table carries the jurisdiction (DESIGN: Storage), and so do units: delete
        # them in whatever order their protected references allow.
        pending = [m for m in apps.get_models() if _jurisdiction_field(m)]
        while pending:
            done = []
            for model in pending:
                try:
                    with transaction.atomic():
                        model._base_manager.filter(**{f"{_jurisdiction_field(model)}__in": jids}).delete()
                    done.append(model)
                except ProtectedError:
                    continue
            if not done:
                names = "、".join(m._meta.label for m in pending)
                raise DemoError(f"无法删除演示数据：{names} 仍被其他数据引用")
            pending = [m for m in pending if m not in done]
        Person.objects.filter(pk__in=person_ids).delete()
        for j in sorted(jurisdictions, key=lambda j: -len(j.path)):
            j.delete()
        get_user_model().objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").delete()
        DemoLoad.objects.all().delete()
    return n


def _jurisdiction_field(model) -> str | None:
    for f in model._meta.get_fields():
        if f.many_to_one or f.one_to_one:
            if f.concrete and f.related_model is Jurisdiction and f.name != "parent":
                return f.name
    return None


