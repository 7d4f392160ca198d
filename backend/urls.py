from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from backend.api import docs

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("backend.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs.swagger, name="api-docs"),
    path("api/redoc/", docs.redoc, name="api-redoc"),
    path("", include("backend.web.urls")),
]
# An unmatched /api/ URL answers JSON in the API's error format; the rest get the site's 404 page.
handler404 = "backend.api.errors.not_found"
handler400 = "backend.api.errors.bad_request"  # likewise a body Django refuses as too large
handler403 = "backend.web.audit.errors.permission_denied"  # the 403 page, after an audit entry
handler500 = "backend.web.errors.server_error"  # the 500 page's <style> carries the CSP nonce
