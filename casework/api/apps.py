from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "casework.api"
    verbose_name = "接口"
