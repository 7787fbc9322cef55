import os
import random
import sys
import time
import traceback
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from casework.demo.builder import demo_root, demo_status, load_demo, reset_demo
from casework.demo.logins import demo_logins
from casework.demo.models import DemoLoad
from casework.demo.org import DEMO_PASSWORD, DemoError, build_org
from casework.rules.lifecycle import STATE_LABELS, State


LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}


def production_configuration() -> bool:
    """DEBUG off and the site answering to a host name other than this machine's own: a real deployment."""
    return not settings.DEBUG and any(h.lstrip(".") not in LOCAL_HOSTS for h in settings.ALLOWED_HOSTS)


class Command(BaseCommand):
    help = (
        "Load the demo: a fictional city (西地省 A市, five districts) with its units and staff, and cases made "
        "from the public messages in CASEWORK_DATA_DIR (or a small built-in sample) through the real actions. "
        "Does nothing if the demo is already loaded. --background (make run): the organisation now, the cases in "
        "a background process while the server starts; the pages say how far it has come."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000, help="how many cases (default 3000)")
        parser.add_argument("--seed", type=int, default=20240501, help="random seed (same seed, same demo)")
        parser.add_argument("--reset", action="store_true",
                            help="first delete the demo organisation, its cases and events (SQLite only)")
        parser.add_argument("--background", action="store_true",
                            help="build the organisation, print the logins, make the cases in a background process")
        parser.add_argument("--router-seed-limit", type=int, default=None, metavar="N",
                            help="train the routing model on N of the labelled messages only (faster; default all)")
        parser.add_argument("--force", action="store_true",
                            help="load even into a production configuration (DEBUG off, a real host name): demo "
                                 "accounts with a password everybody knows")
        parser.add_argument("--log", default="", help="with --background: where the background process writes "
                                                      "(default var/log/demo-load.log)")

    def handle(self, *args, cases=3000, seed=20240501, reset=False, background=False, log="", verbosity=1,
               router_seed_limit=None, force=False, **options):
        if production_configuration() and not force:
            raise CommandError(
                "这是生产配置（DEBUG 关闭，DJANGO_ALLOWED_HOSTS 含真实域名）：演示数据带有人人皆知密码的演示账号，"
                "不载入。确需载入时加 --force。")
        if cases < 1:
            raise CommandError("--cases 应为正整数")
        if router_seed_limit is not None and router_seed_limit < 50:
            raise CommandError("--router-seed-limit 至少为 50")
        self.limit = router_seed_limit
        data_dir = Path(settings.CASEWORK_DATA_DIR) if getattr(settings, "CASEWORK_DATA_DIR", None) else None
        try:
            status = demo_status()
            if status is not None and status.loading and not _alive(status.pid):
                # An earlier load was interrupted (make run stopped while it loaded): start again.
                if connection.vendor != "sqlite":
                    raise CommandError("上次载入演示数据时中断。请删除并重新创建数据库，再运行 migrate 和 load_demo。")
                reset = True
            if reset:
                gone = reset_demo()
                self.stdout.write(f"已删除原有演示数据（{gone} 件案件）。")
            elif demo_root() is not None:
                status = demo_status()
                if status is not None and status.loading:
                    self.stdout.write(f"演示数据正在载入（进程 {status.pid}）。")
                else:
                    self.stdout.write("演示数据已存在，未做任何更改。（如需重建：load_demo --reset，仅限 SQLite）")
                if background:
                    self._logins()
                return
            if background:
                return self._background(cases, seed, data_dir, log)
            started = time.monotonic()
            result = load_demo(cases=cases, seed=seed, data_dir=data_dir, progress=verbosity > 0,
                               router_seed_limit=self.limit)
        except DemoError as e:
            raise CommandError(str(e)) from None
        self._summary(result, time.monotonic() - started)
        self._logins()

    def _background(self, cases, seed, data_dir, log):
        org = build_org(random.Random(seed))
        DemoLoad.objects.update_or_create(pk=1, defaults={"phase": DemoLoad.Phase.ORG, "total": cases, "done": 0})
        self._logins()
        log_path = Path(log) if log else settings.VAR_DIR / "log" / "demo-load.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        connections.close_all()  # parent and child each open their own
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            DemoLoad.objects.filter(pk=1).update(pid=pid, phase=DemoLoad.Phase.CASES)
            self.stdout.write(f"\n演示案件正在后台生成（{cases} 件，双核机器上每千件约需 45 秒；页面顶部显示进度，"
                              f"日志 {log_path}，末尾有信访人查询示例）。")
            return
        # The child: the cases, then the routing model; its output goes to the log only.
        code = 1
        try:
            fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            # This process serves no page: DEBUG would only make every one of its ~300,000 queries be formatted
            # and kept for the debug page (about 4% of the load's time).
            settings.DEBUG = False
            started = time.monotonic()
            result = load_demo(cases=cases, seed=seed, data_dir=data_dir, progress=False, org=org,
                               router_seed_limit=self.limit)
            self._summary(result, time.monotonic() - started)
            code = 0
        except BaseException as e:  # noqa: BLE001 - whatever stopped it, the pages must say so
            traceback.print_exc()
            try:
                DemoLoad.objects.filter(pk=1).update(phase=DemoLoad.Phase.FAILED, pid=None,
                                                     message=f"{type(e).__name__}: {e}"[:300])
            except Exception:  # noqa: BLE001
                pass
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _summary(self, result, took):
        w = self.stdout.write
        t = os.times()  # the CPU beside the wall clock: on a busy machine the two part (bench/startup.py reads it)
        w(f"\n演示数据已载入：{result.cases} 件案件，用时 {took:.0f} 秒（CPU：本进程 {t.user + t.system:.0f} 秒，"
          f"训练分办模型的子进程 {t.children_user + t.children_system:.0f} 秒）。留言来源：{result.source}")
        w("\n案件状态：")
        for state in State:
            if result.by_state.get(state.value):
                w(f"  {pad(STATE_LABELS[state], 16)}{result.by_state[state.value]:>5}")
        w(f"  其中逾期未办结 {result.overdue} 件（已督办 {result.supervised} 件），延期 {result.extensions} 件，"
          f"已评价 {result.rated} 件，撤回 {result.withdrawn} 件，重复信访并案 {result.merged} 件。")
        w(f"  分办建议模型：{result.router}")
        w(f"  人民调解纠纷 {result.disputes} 件（村、乡镇、主管部门三级）。")
        if result.refused:
            w(self.style.WARNING(f"  有 {len(result.refused)} 个步骤被规则拒绝，例如：{result.refused[0]}"))
        if result.access_codes:
            number, code = result.access_codes[0]
            w(f"\n信访人查询示例：案件编号 {number}，查询码 {code}")

    def _logins(self):
        w = self.stdout.write
        w("\n演示账号（每种角色和单位各一个；A1区列出全部职能部门。登录页在 DEBUG 时也列出）：")
        w("  " + pad("用户名 username", 26) + pad("姓名", 8) + pad("角色", 14) + pad("层级", 14) + "单位")
        for row in demo_logins():
            w("  " + pad(row.username, 26) + pad(row.name, 8) + pad(row.role, 14) + pad(row.level, 14) + row.unit)
        w("  " + pad("admin", 26) + pad("", 8) + pad("超级用户", 14) + pad("", 14) + "管理后台 /admin/")
        w(f"  password（所有账号的密码）: {DEMO_PASSWORD}")


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is not loading anything
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)
