"""Re-encrypt personal data (and idempotency answers) under the newest of CASEWORK_DATA_KEYS (key rotation)."""

from django.core.management.base import BaseCommand, CommandError

from casework.privacy import keys
from casework.privacy.rotation import reencrypt, tables
from casework.progress import progress_bar


class Command(BaseCommand):
    help = ("Re-encrypts every encrypted value under the newest key of CASEWORK_DATA_KEYS; run it after putting a "
            "new key first, then drop the old key (docs/security.md).")

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, quiet: bool = False, **options):
        found = tables()
        total = sum(n for _, _, n in found)
        try:
            with progress_bar(total=total, unit="row", enabled=not quiet) as bar:
                done = {table: reencrypt(table, columns, progress=bar.update) for table, columns, _ in found}
        except keys.UnreadableData as e:
            raise CommandError(f"{e}: keep every key that encrypted data in CASEWORK_DATA_KEYS until this finishes")
        for table, n in done.items():
            self.stdout.write(f"{table}: {n} rows re-encrypted under the newest key")
