from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "casework.mediation"
    verbose_name = "人民调解"
