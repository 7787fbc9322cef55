from django.apps import AppConfig


class HolidaysConfig(AppConfig):
    name = "casework.holidays"
    verbose_name = "节假日安排"
