from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "casework.audit"
    verbose_name = "事件记录"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
