"""Pages of training providers (see backend/web/nav.py for their header links)."""

from django.urls import URLPattern, path

from . import views as provider

urlpatterns: list[URLPattern] = [
    path("provider/programs/", provider.programs, name="provider-programs"),
    path("provider/programs/new/", provider.program_form, name="provider-program-new"),
    path("provider/programs/<int:program_id>/edit/", provider.program_form, name="provider-program-edit"),
    path(
        "provider/programs/<int:program_id>/publish/",
        provider.program_action,
        {"action": "publish"},
        name="provider-program-publish",
    ),
    path(
        "provider/programs/<int:program_id>/close/",
        provider.program_action,
        {"action": "close"},
        name="provider-program-close",
    ),
    path("provider/programs/<int:program_id>/sessions/", provider.sessions, name="provider-sessions"),
    path(
        "provider/programs/<int:program_id>/sessions/new/", provider.session_form, name="provider-session-new"
    ),
    path(
        "provider/programs/<int:program_id>/sessions/<int:session_id>/edit/",
        provider.session_form,
        name="provider-session-edit",
    ),
    path(
        "provider/programs/<int:program_id>/sessions/<int:session_id>/enrolments/",
        provider.enrolments,
        name="provider-enrolments",
    ),
]
