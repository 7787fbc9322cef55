from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from casework.progress import progress_bar

from casework.audit.models import Event
from casework.cases.models import Case
from casework.documents.catalogue import KINDS, render_for_case
from casework.organisation.models import Unit


class Command(BaseCommand):
    help = "Render a batch of notices to PDF files (e.g. every 处理意见书 a unit issued in a month), with progress."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="which notice")
        parser.add_argument("--unit", type=int, help="only cases whose lead unit is this unit id")
        parser.add_argument("--since", help="only notices issued on or after YYYY-MM-DD")
        parser.add_argument("--until", help="only notices issued on or before YYYY-MM-DD")
        parser.add_argument("--out", type=Path, required=True, help="directory for the PDF files")

    def handle(self, *args, kind, unit, since, until, out, **options):
        import datetime as dt

        events = Event.objects.filter(verb=KINDS[kind].verb, case__isnull=False)
        try:
            if since:
                events = events.filter(effective_on__gte=dt.date.fromisoformat(since))
            if until:
                events = events.filter(effective_on__lte=dt.date.fromisoformat(until))
        except ValueError:
            raise CommandError("dates must be YYYY-MM-DD")
        cases = Case.objects.filter(pk__in=events.values("case_id")).order_by("pk")
        if unit is not None:
            if not Unit.objects.filter(pk=unit).exists():
                raise CommandError(f"no unit with id {unit}")
            cases = cases.filter(lead_unit_id=unit)
        out.mkdir(parents=True, exist_ok=True)
        written = 0
        for case in progress_bar(cases.iterator(), total=cases.count(), unit="notice"):
            filename, pdf = render_for_case(case, kind)
            (out / filename).write_bytes(pdf)
            written += 1
        self.stdout.write(f"{written} notices written to {out}")
