"""Pages of the worker role (see backend/web/nav.py for their header links)."""

from django.urls import URLPattern, path

from . import privacy
from . import views as pages

urlpatterns: list[URLPattern] = [
    path("me/profile/", pages.me_profile, name="me-profile"),
    path("me/recommendations/", pages.me_recommendations, name="me-recommendations"),
    path("me/activity/", pages.me_activity, name="me-activity"),
    path("me/privacy/", privacy.me_privacy, name="me-privacy"),
    path("me/privacy/consent/", privacy.me_privacy_consent, name="me-privacy-consent"),
    path("me/privacy/export.<str:fmt>", privacy.me_privacy_export, name="me-privacy-export"),
    path("me/privacy/delete/", privacy.me_privacy_delete, name="me-privacy-delete"),
    path(
        "me/applications/<int:application_id>/withdraw/",
        pages.me_application_withdraw,
        name="me-application-withdraw",
    ),
    path("me/enrolments/<int:enrolment_id>/drop/", pages.me_enrolment_drop, name="me-enrolment-drop"),
]
