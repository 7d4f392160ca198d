"""The web pages: one package per role, each with its own urls (see nav.py for the header links)."""

from django.urls import URLResolver, include, path

urlpatterns: list[URLResolver] = [
    path("", include("backend.web.public.urls")),
    path("", include("backend.web.account.urls")),
    path("", include("backend.web.worker.urls")),
    path("", include("backend.web.provider.urls")),
    path("", include("backend.web.employer.urls")),
    path("", include("backend.web.imports.urls")),
    path("", include("backend.web.staff.urls")),
    path("", include("backend.web.audit.urls")),
]
