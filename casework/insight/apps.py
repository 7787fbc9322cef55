from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "casework.insight"
    verbose_name = "分办建议与关联件"
