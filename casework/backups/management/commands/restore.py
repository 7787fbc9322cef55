from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.backups.archive import KINDS, BackupError, restore_read


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the database and the attachments' files. Refuses a "
        "database that holds cases or events, or a MEDIA_ROOT that holds files, unless --force; refuses a "
        "backup of the other database kind or from a newer version. Checks everything before it changes "
        "anything. Then: `manage.py migrate`, and `manage.py verify_events --checkpoint` with your latest "
        "checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true",
                            help="replace what the database and MEDIA_ROOT hold")

    def handle(self, *args, file, force=False, **options):
        try:
            done = restore_read(file, force=force)
        except BackupError as e:
            raise CommandError(str(e)) from None
        made = timezone.localtime(done.created_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(f"restored from {file} (made {made}): {KINDS[done.database]} database with "
                          f"{done.contents}")
        if done.missing_files:
            self.stderr.write(f"warning: {done.missing_files} attachments have no file in MEDIA_ROOT")
        if done.older_migrations:
            self.stdout.write("the backup is from an older version: run `manage.py migrate`")
        self.stdout.write("next: `manage.py verify_events --checkpoint FILE` with the latest checkpoint kept "
                          "off this host")
