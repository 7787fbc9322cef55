from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casework.accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (the security log's records of logins, lockouts, memberships)
