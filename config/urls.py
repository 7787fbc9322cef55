from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from casework.api.urls import api

admin.site.site_header = _("Casework 管理")
admin.site.site_title = "Casework"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the header's language switcher
    path("api/", api.urls),
    path("open311/v2/", include("casework.open311.urls")),
    path("portal/", include("casework.portal.urls")),
    path("mediation/", include("casework.mediation.urls")),
    path("accounts/", include("casework.accounts.urls")),
    path("", include("casework.web.urls")),
]

# Chinese pages without internals (and JSON under /api/ and /open311/): casework/web/errors.py
handler400 = "casework.web.errors.bad_request"
handler403 = "casework.web.errors.permission_denied"
handler404 = "casework.web.errors.page_not_found"
handler500 = "casework.web.errors.server_error"
