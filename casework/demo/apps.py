from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "casework.demo"
    verbose_name = "演示数据"
