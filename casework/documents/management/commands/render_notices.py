import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.documents.catalogue import RECEIPT, render_for_case, slug
from casework.documents.fonts import FontProblem
from casework.documents.models import DocumentKind, IssuedDocument
from casework.organisation.models import Unit
from casework.progress import progress_bar

KINDS = {slug(k): k for k in DocumentKind.values}


class Command(BaseCommand):
    help = ("Print a batch of issued notices to PDF files (e.g. every 处理意见书 a unit issued in a month), "
            "each as it was issued, with progress; or the 登记回执 of the cases registered in a period.")

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted([*KINDS, RECEIPT]), help="which notice")
        parser.add_argument("--unit", type=int, help="only notices this unit id issued")
        parser.add_argument("--since", help="only notices issued on or after YYYY-MM-DD")
        parser.add_argument("--until", help="only notices issued on or before YYYY-MM-DD")
        parser.add_argument("--out", type=Path, required=True, help="directory for the PDF files")

    def handle(self, *args, kind, unit, since, until, out, **options):
        try:
            since = dt.date.fromisoformat(since) if since else None
            until = dt.date.fromisoformat(until) if until else None
        except ValueError:
            raise CommandError("dates must be YYYY-MM-DD")
        if unit is not None and not Unit.objects.filter(pk=unit).exists():
            raise CommandError(f"no unit with id {unit}")
        if kind == RECEIPT:
            from casework.cases.models import Case

            cases = Case.objects.all()
            cases = cases.filter(received_on__gte=since) if since else cases
            cases = cases.filter(received_on__lte=until) if until else cases
            cases = cases.filter(registered_by_id=unit) if unit is not None else cases
            items = [(c, RECEIPT) for c in cases.order_by("pk")]
        else:
            docs = IssuedDocument.objects.filter(kind=KINDS[kind], case__isnull=False).select_related("case")
            docs = docs.filter(issued_on__gte=since) if since else docs
            docs = docs.filter(issued_on__lte=until) if until else docs
            docs = docs.filter(unit_id=unit) if unit is not None else docs
            items = [(d.case, f"{kind}-{d.pk}") for d in docs.order_by("pk")]
        out.mkdir(parents=True, exist_ok=True)
        for case, key in progress_bar(items, unit="notice"):
            try:
                filename, pdf = render_for_case(case, key)
            except FontProblem as e:  # never a PDF with missing glyphs: stop, saying which font
                raise CommandError(e.message) from None
            (out / filename).write_bytes(pdf)
        self.stdout.write(f"{len(items)} notices written to {out}")
