import sys

from django.core.management.base import BaseCommand
from casework.progress import progress_bar

from casework.audit.chain import verify_chains
from casework.audit.checkpoint import CheckpointError, checkpoint_faults, checkpoint_read
from casework.audit.models import Event


class Command(BaseCommand):
    help = (
        "Verify the event chains: hashes, links and MACs under the chain key; with --checkpoint, also that "
        "no chain lost or rewrote what a checkpoint recorded. Exit 0 when every chain holds, 1 naming the first "
        "fault of each broken chain, 2 when the checkpoint cannot be read or trusted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--checkpoint", metavar="FILE",
                            help="a checkpoint file (chain_checkpoint, run_deadlines), or a directory: its newest")

    def handle(self, *args, quiet=False, checkpoint=None, **options):
        cp = None
        if checkpoint:
            try:
                cp = checkpoint_read(checkpoint)
            except CheckpointError as e:
                self.stderr.write(str(e))
                sys.exit(2)
        total = Event.objects.count()
        with progress_bar(total=total, unit="event", enabled=not quiet and total >= 5000) as bar:
            faults = list(verify_chains(progress=bar.update, also=cp.chains if cp else ()))
        if cp is not None:
            broken = {f.jurisdiction_id for f in faults}
            faults += [f for f in checkpoint_faults(cp) if f.jurisdiction_id not in broken]
            faults.sort(key=lambda f: f.jurisdiction_id)
        if faults:
            self.stderr.write(f"event chain broken: {faults[0]}")
            for f in faults[1:]:
                self.stderr.write(f"also broken: {f}")
            sys.exit(1)
        line = f"event chain verified: {total} events"
        if cp is not None:
            line += f"; {len(cp.chains)} chains hold all that {cp.label} recorded ({cp.path})"
        self.stdout.write(line)
