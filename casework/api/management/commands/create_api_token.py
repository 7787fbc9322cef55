from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.api.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token acting as a staff user. The token is printed once; only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the token is for")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no active user named {username!r}")
        _, token = ApiToken.issue(user, name)
        self.stdout.write(token)
