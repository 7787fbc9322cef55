"""The product's URLs plus two views that fail, to see the error pages a person gets (tests only)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import *  # noqa: F403 (the handlers too)
from config.urls import urlpatterns as product_urls


def boom(request):
    raise RuntimeError("secret internals: SELECT * FROM cases_person")


def forbidden(request):
    raise PermissionDenied("secret reason")


urlpatterns = [
    path("boom/", boom), path("portal/boom/", boom), path("api/v1/boom/", boom), path("open311/v2/boom/", boom),
    path("forbidden/", forbidden), path("portal/forbidden/", forbidden),
    *product_urls,
]
