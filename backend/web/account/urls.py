"""The signed-in user's own account pages: security overview and the second factor."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("account/security/", views.security, name="account-security"),
    path("account/2fa/enrol/", views.enrol, name="account-2fa-enrol"),
    path("account/2fa/verify/", views.verify, name="account-2fa-verify"),
    path("account/2fa/recovery-codes/", views.recovery_codes, name="account-2fa-recovery"),
]
