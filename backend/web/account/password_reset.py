"""/password-reset/: Django's reset views by email, on the login page's layout, throttled and
audited through backend/accounts/password_reset.py (which also says where an SMS-code reset plugs in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from backend.accounts import password_reset as reset

TOO_MANY = _("从您的网络发出的重置请求过多，请1小时后再试，或联系安全管理员。")


class RequestView(auth_views.PasswordResetView):
    form_class = reset.EmailPasswordResetForm
    template_name = "web/account/password_reset_form.html"
    email_template_name = "web/account/password_reset_email.txt"
    subject_template_name = "web/account/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        if not reset.reset_address_allowed(request=self.request):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not reset.reset_email_allowed(request=self.request, email=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())  # the same page as a sent mail
        return super().form_valid(form)


class DoneView(auth_views.PasswordResetDoneView):
    template_name = "web/account/password_reset_done.html"


class ConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/account/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        reset.password_reset_completed(user=form.user, request=self.request)
        return response


class CompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/account/password_reset_complete.html"
