from django.core.management.base import BaseCommand

from casework.holidays.services import schedule_seed_from_package


class Command(BaseCommand):
    help = "Load the official holiday schedules shipped with chinesecalendar (keeps years entered by hand)."

    def handle(self, *args, **options):
        days, years = schedule_seed_from_package()
        self.stdout.write(f"holiday schedule: {days} days and {years} years added")
