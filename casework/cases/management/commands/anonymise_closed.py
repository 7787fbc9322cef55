"""Anonymise the closed cases kept past CASEWORK_RETENTION_DAYS (cases/actions/retention.py)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.cases.actions.retention import case_anonymise, cases_past_retention, retention_cutoff
from casework.cases.errors import CaseworkError
from casework.progress import progress_bar


class Command(BaseCommand):
    help = ("Anonymises every closed case whose last act is older than CASEWORK_RETENTION_DAYS: people, "
            "attachments, free text; then rebuilds the routing models and the related-case index without them.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be anonymised; change nothing")
        parser.add_argument("--today", help="YYYY-MM-DD: count the retention period back from this day")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, dry_run=False, today=None, quiet=False, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today must be a date YYYY-MM-DD, not {today!r}") from None
        due = list(cases_past_retention(day).values_list("pk", "number"))
        cutoff = retention_cutoff(day)
        self.stdout.write(f"{len(due)} closed cases last acted on by {cutoff:%Y-%m-%d} "
                          f"(retention {settings.CASEWORK_RETENTION_DAYS} days)")
        if dry_run:
            for _, number in due:
                self.stdout.write(f"  {number}")
            self.stdout.write("dry run: nothing changed")
            return
        started = timezone.now()
        failed = 0
        with progress_bar(due, unit="case", enabled=not quiet) as bar:
            for pk, number in bar:
                try:
                    case_anonymise(case_id=pk, today=day)
                except CaseworkError as e:  # acted on again since it was listed: left for another day
                    failed += 1
                    self.stderr.write(f"{number}: {e.message}")
        self.stdout.write(f"{len(due) - failed} cases anonymised")
        if len(due) > failed:
            from casework.insight.training import routers_forget_anonymised

            trees = routers_forget_anonymised(started, log=self.stdout.write)
            self.stdout.write(f"{trees} routing models rebuilt without them; related-case indexes rebuild on next use")
