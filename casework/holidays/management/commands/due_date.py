from django.core.management.base import BaseCommand, CommandError

from casework.holidays.duedate import DueDateError, compute_due, parse_start
from casework.rules.clocks import RULES


class Command(BaseCommand):
    help = (
        "By when? Print the due date (YYYY-MM-DD, then ' provisional' if it lies beyond the published "
        "holiday schedules) for a named rule or a number of days from START."
    )

    def add_arguments(self, parser):
        parser.add_argument("start", nargs="?", help="the day the period starts, YYYY-MM-DD")
        parser.add_argument("--rule", help="a named statutory rule (see --list-rules)")
        parser.add_argument("--days", type=int, help="a number of days")
        parser.add_argument("--working-days", action="store_true", help="count working days, not calendar days")
        parser.add_argument("--list-rules", action="store_true", help="list the named rules with their articles")

    def handle(self, *args, start=None, rule=None, days=None, working_days=False, list_rules=False, **options):
        if list_rules:
            for r in RULES.values():
                unit = "working days" if r.unit == "working" else "days"
                self.stdout.write(f"{r.name:24} {r.days:>3} {unit:12} {r.article}  {r.label}: {r.description}")
            return
        if not start:
            raise CommandError("give a START date (YYYY-MM-DD), or --list-rules")
        if rule and working_days:
            raise CommandError("--working-days goes with --days; a named rule has its own unit")
        try:
            answer = compute_due(parse_start(start), rule=rule, days=days, working_days=working_days)
        except DueDateError as e:
            raise CommandError(str(e))
        self.stdout.write(str(answer.due))
