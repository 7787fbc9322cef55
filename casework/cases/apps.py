from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casework.cases"
    verbose_name = "信访事项"
