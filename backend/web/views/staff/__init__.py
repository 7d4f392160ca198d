"""Pages of the employment-service staff: the review queue, batch runs and the county dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from backend.accounts.policies import role_of


def refuse_non_staff(request: HttpRequest) -> HttpResponse | None:
    """Anonymous users log in first; roles other than service staff and admin get a 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if role_of(request.user) not in ("service_staff", "admin"):
        raise PermissionDenied(_("只有就业服务人员可以使用该页面。"))
    return None


def field_messages(error: Any) -> dict[str, list[str]]:
    """A DomainError's problems by field name."""
    return {field: [problem["message"] for problem in problems] for field, problems in error.fields.items()}
