from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("submit/", views.submit, name="portal_submit"),
    path("lookup/", views.lookup, name="portal_lookup"),
    path("case/<str:number>/", views.case_page, name="portal_case"),
    path("case/<str:number>/review/", views.request_review, name="portal_review"),
    path("case/<str:number>/rate/", views.rate, name="portal_rate"),
    path("case/<str:number>/withdraw/", views.withdraw, name="portal_withdraw"),
    path("case/<str:number>/documents/<str:kind>.pdf", views.document, name="portal_document"),
]
