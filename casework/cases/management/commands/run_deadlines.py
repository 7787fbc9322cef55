from django.core.management.base import BaseCommand
from django.utils import timezone

from casework.cases.actions import cases_close_expired_windows


class Command(BaseCommand):
    help = (
        "The daily deadline job: close cases whose review or re-review window passed unused "
        "(信访工作条例 Art 35, 36). Run it from cron once a day; running it twice does nothing more."
    )

    def handle(self, *args, **options):
        closed = cases_close_expired_windows(timezone.localdate())
        self.stdout.write(f"{closed} cases closed: review window passed")
