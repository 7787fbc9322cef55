import time
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.demo.builder import demo_root, load_demo, reset_demo
from casework.demo.org import DEMO_PASSWORD, DemoError
from casework.rules.lifecycle import ROLE_LABELS, STATE_LABELS, Role, State

# Who to show on the logins table: one of each kind of desk.
SHOWCASE = ["clerk_a1", "handler_a1_housing", "official_a1_housing", "supervisor_a1", "supervisor_city",
            "handler_city", "mediator_a1_1", "sysadmin"]


class Command(BaseCommand):
    help = (
        "Load the demo: a fictional city (西地省 A市, five districts) with its units and staff, and cases made "
        "from the public messages in CASEWORK_DATA_DIR (or a small built-in sample) through the real actions. "
        "Does nothing if the demo is already loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000, help="how many cases (default 3000)")
        parser.add_argument("--seed", type=int, default=20240501, help="random seed (same seed, same demo)")
        parser.add_argument("--reset", action="store_true",
                            help="first delete the demo organisation, its cases and events (SQLite only)")

    def handle(self, *args, cases=3000, seed=20240501, reset=False, verbosity=1, **options):
        if cases < 1:
            raise CommandError("--cases 应为正整数")
        try:
            if reset:
                gone = reset_demo()
                self.stdout.write(f"已删除原有演示数据（{gone} 件案件）。")
            elif demo_root() is not None:
                self.stdout.write("演示数据已存在，未做任何更改。（如需重建：load_demo --reset，仅限 SQLite）")
                return
            started = time.monotonic()
            data_dir = Path(settings.CASEWORK_DATA_DIR) if getattr(settings, "CASEWORK_DATA_DIR", None) else None
            result = load_demo(cases=cases, seed=seed, data_dir=data_dir, progress=verbosity > 0)
        except DemoError as e:
            raise CommandError(str(e)) from None
        took = time.monotonic() - started

        w = self.stdout.write
        w(f"\n演示数据已载入：{result.cases} 件案件，用时 {took:.0f} 秒。留言来源：{result.source}")
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

        w("\n演示账号：")
        units = {}
        for username, role, unit in result.org.roles:
            units.setdefault(username, (role, unit))
        w("  " + pad("用户名 username", 22) + pad("姓名", 8) + pad("角色", 14) + "单位")
        for username in SHOWCASE:
            role, unit = units[username]
            user = result.org.users[username]
            w("  " + pad(username, 22) + pad(user.last_name + user.first_name, 8)
              + pad(ROLE_LABELS[Role(role)], 14) + unit.name)
        w("  " + pad("admin", 22) + pad("", 8) + pad("超级用户", 14) + "管理后台 /admin/")
        w(f"  password（所有账号的密码）: {DEMO_PASSWORD}")
        if result.access_codes:
            number, code = result.access_codes[0]
            w(f"\n信访人查询示例：案件编号 {number}，查询码 {code}")


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)
