from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "casework.portal"
    verbose_name = "信访人查询"
