from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.cases.actions import cases_close_expired_windows


class Command(BaseCommand):
    help = (
        "The daily deadline job: close cases whose review or re-review window passed unused "
        "(信访工作条例 Art 35, 36), then retrain the routing model where enough cases closed since it was trained, "
        "then write the day's checkpoint of the event chains to CASEWORK_CHECKPOINT_DIR (exit 1 when a chain "
        "lost or rewrote what the last checkpoint recorded). Run it from cron once a day; running it twice "
        "does nothing more."
    )

    def handle(self, *args, **options):
        closed = cases_close_expired_windows(timezone.localdate())
        self.stdout.write(f"{closed} cases closed: review window passed")
        from casework.api.idempotency import idempotency_purge

        self.stdout.write(f"{idempotency_purge()} idempotency records past their time deleted")
        # The background step: retrain the routing model where enough cases closed since it was trained.
        from casework.insight.training import routers_retrain_due

        trained = routers_retrain_due(log=self.stdout.write)
        self.stdout.write(f"{trained} routing models retrained")
        # Last, so that it records the day's events too.
        from casework.audit.checkpoint import CheckpointError, checkpoint_daily

        try:
            path, faults = checkpoint_daily(settings.CASEWORK_CHECKPOINT_DIR)
        except CheckpointError as e:
            raise CommandError(str(e)) from None
        except OSError as e:
            raise CommandError(f"checkpoint not written to {settings.CASEWORK_CHECKPOINT_DIR}: {e.strerror}") from None
        self.stdout.write(f"event chains checkpointed: {path}")
        for fault in faults:
            self.stderr.write(f"event chain broken since the last checkpoint: {fault}")
        if faults:
            raise CommandError(f"{len(faults)} event chains lost or rewrote events since the last checkpoint")
