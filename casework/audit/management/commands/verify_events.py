import sys

from django.core.management.base import BaseCommand
from casework.progress import progress_bar

from casework.audit.chain import verify_chains
from casework.audit.models import Event


class Command(BaseCommand):
    help = "Verify the hash chains of the event record. Exit 0 when every chain holds, 1 naming the first bad event."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, quiet=False, **options):
        total = Event.objects.count()
        with progress_bar(total=total, unit="event", enabled=not quiet and total >= 5000) as bar:
            faults = list(verify_chains(progress=bar.update))
        if faults:
            self.stderr.write(f"event chain broken: {faults[0]}")
            for f in faults[1:]:
                self.stderr.write(f"also broken: {f}")
            sys.exit(1)
        self.stdout.write(f"event chain verified: {total} events")
