from django.core.management.base import BaseCommand

from casework.audit.checkpoint import checkpoint_take, checkpoint_write


class Command(BaseCommand):
    help = (
        "Write a checkpoint of the event chains (each one's length and newest hash, MACed under the chain "
        "key) to FILE. Keep it off the database's host; verify_events --checkpoint FILE then finds a chain "
        "cut short, emptied or rewritten since. run_deadlines writes one a day to CASEWORK_CHECKPOINT_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        cp = checkpoint_take()
        path = checkpoint_write(cp, file)
        self.stdout.write(f"checkpoint written: {path}: {len(cp.chains)} chains, "
                          f"{sum(n for n, _ in cp.chains.values())} events")
