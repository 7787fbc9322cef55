from django.urls import re_path

from . import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery),
    re_path(r"^services" + FMT, views.services),
    re_path(r"^services/(?P<code>[^/]+)" + FMT, views.service_definition),
    re_path(r"^requests" + FMT, views.requests),
    re_path(r"^requests/(?P<number>[^/]+)" + FMT, views.request_detail),
    re_path(r"^tokens/(?P<token>[^/]+)" + FMT, views.token),
]
