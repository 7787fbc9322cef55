from django.core.management.base import BaseCommand, CommandError

from casework.backups.archive import KINDS, BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump, custom format; SQLite: its online backup API, while the "
        "site runs) and the attachments' files (MEDIA_ROOT) into one archive, FILE (a .tar.gz). The chain key "
        "is not in it: keep it, and the event chains' checkpoints, elsewhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        from django.db import connection

        try:
            contents = backup_write(file)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"backup written: {file}: {KINDS.get(connection.vendor, connection.vendor)} database "
                          f"({contents})")
