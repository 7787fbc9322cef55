from django.core.management.base import BaseCommand
from django.utils import timezone

from casework.cases.actions import cases_close_expired_windows


class Command(BaseCommand):
    help = (
        "The daily deadline job: close cases whose review or re-review window passed unused "
        "(信访工作条例 Art 35, 36), then retrain the routing model where enough cases closed since it was trained. "
        "Run it from cron once a day; running it twice does nothing more."
    )

    def handle(self, *args, **options):
        closed = cases_close_expired_windows(timezone.localdate())
        self.stdout.write(f"{closed} cases closed: review window passed")
        # The background step: retrain the routing model where enough cases closed since it was trained.
        from casework.insight.training import routers_retrain_due

        trained = routers_retrain_due(log=self.stdout.write)
        self.stdout.write(f"{trained} routing models retrained")
