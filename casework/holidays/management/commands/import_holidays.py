from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.holidays.services import schedule_import
from casework.rules.calendar import CalendarError, parse_schedule_lines


class Command(BaseCommand):
    help = (
        "Import a year's official schedule from a file of lines 'YYYY-MM-DD,off|work[,name]' "
        "(replaces those years), then recompute the clocks of open cases and the judicial-confirmation windows of "
        "mediation agreements."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        from casework.cases.actions.clocks import cases_recompute_clocks
        from casework.mediation.actions import disputes_recompute_confirmation

        try:
            rows = parse_schedule_lines(file.read_text(encoding="utf-8").splitlines())
            years = schedule_import(rows)
        except FileNotFoundError:
            raise CommandError(f"no such file: {file}")
        except (ValueError, CalendarError) as e:
            raise CommandError(str(e))
        changed = cases_recompute_clocks()
        windows = disputes_recompute_confirmation()
        self.stdout.write(f"imported {len(rows)} days for {', '.join(map(str, years))}; {changed} open cases changed due date; "
                          f"{windows} mediation agreements changed confirmation window")
