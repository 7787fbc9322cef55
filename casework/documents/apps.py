from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "casework.documents"
    label = "documents"
    verbose_name = "文书"
