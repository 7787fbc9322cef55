from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "casework.audit"
    verbose_name = "事件记录"
