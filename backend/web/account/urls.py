"""The signed-in user's own account pages: security overview, the second factor, API tokens;
and the password reset, for those who cannot sign in."""

from django.urls import URLPattern, path

from . import password_reset, tokens, views

urlpatterns: list[URLPattern] = [
    path("account/security/", views.security, name="account-security"),
    path("account/2fa/enrol/", views.enrol, name="account-2fa-enrol"),
    path("account/2fa/verify/", views.verify, name="account-2fa-verify"),
    path("account/2fa/recovery-codes/", views.recovery_codes, name="account-2fa-recovery"),
    path("account/tokens/", tokens.token_list, name="account-tokens"),
    path("account/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="account-token-revoke"),
    path("account/tokens/revoke-all/", tokens.tokens_revoke_all, name="account-tokens-revoke-all"),
    path("password-reset/", password_reset.RequestView.as_view(), name="password-reset"),
    path("password-reset/sent/", password_reset.DoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        password_reset.ConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password-reset/done/", password_reset.CompleteView.as_view(), name="password-reset-complete"),
]
