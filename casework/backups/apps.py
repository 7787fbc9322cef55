from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "casework.backups"
    verbose_name = "备份"
