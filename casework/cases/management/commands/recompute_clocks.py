from django.core.management.base import BaseCommand

from casework.cases.actions import cases_recompute_clocks


class Command(BaseCommand):
    help = "Recompute the due dates of every open case from its events and the current holiday schedule."

    def handle(self, *args, **options):
        changed = cases_recompute_clocks(progress=True)
        self.stdout.write(f"{changed} open cases changed due date")
