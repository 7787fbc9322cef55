from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("tools/due-date/", views.due_date, name="due_date"),
]
