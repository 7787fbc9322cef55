from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "casework.organisation"
    verbose_name = "组织机构"
