from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "casework.web"
    verbose_name = "工作台"
