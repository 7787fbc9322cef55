from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.accounts.actions import account_reset_password


class Command(BaseCommand):
    help = "重置一个账号的密码：打印一次性临时密码，下次登录须修改；该账号的所有登录随即失效。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为 {username} 的账号")
        temporary = account_reset_password(actor_id=None, user=user)
        self.stdout.write(f"{username} 的临时密码：{temporary}（下次登录须修改）")
