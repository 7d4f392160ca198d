"""What every role's pages share: who may open a page, and how a service's refusal reaches the page.

`for_roles` is the one role guard of the web layer (objects are scoped by the selectors and
services, not here). `run_service` and `run_reported` are the one place a `DomainError` becomes
something a person reads: errors beside a form's fields, or a message above a list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from backend.accounts.policies import role_of
from backend.common import errors

View = Callable[..., HttpResponse]


def refuse_unless(request: HttpRequest, *roles: str, refusal: Any = "") -> HttpResponse | None:
    """None when the user has one of `roles`; anonymous users get the login redirect, other roles
    the 403 page with `refusal` (for a check that applies to some requests of a view only)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if role_of(request.user) not in roles:
        raise PermissionDenied(str(refusal))
    return None


def for_roles(*roles: str, refusal: Any = "") -> Callable[[View], View]:
    """A view only these roles may open (`refuse_unless` on every request)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (refused := refuse_unless(request, *roles, refusal=refusal)) is not None:
                return refused
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def drf_messages(detail: Any) -> list[str]:
    """DRF error details (a list, or a dict by list index for list fields) as flat strings."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in drf_messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in drf_messages(value)]
    return [str(detail)]


def problems_by_field(error: errors.DomainError) -> dict[str, list[str]]:
    """A domain error's messages by the service's field names."""
    return {field: [problem["message"] for problem in problems] for field, problems in error.fields.items()}


def problems_text(error: errors.DomainError) -> str:
    """A domain error as one sentence for a message: its field messages, else its message."""
    return " ".join(m for ms in problems_by_field(error).values() for m in ms) or error.message


def _refusal(action: Callable[[], Any]) -> errors.DomainError | None:
    """Run the service; its PermissionDenied is the 403 page, any other domain error is returned."""
    try:
        action()
    except errors.PermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except errors.DomainError as error:
        return error
    return None


def run_service(
    form: BaseForm,
    action: Callable[[], Any],
    *,
    elsewhere: dict[str, list[str]] | None = None,
    always_summary: bool = False,
) -> bool:
    """Run the service behind a form; True when it succeeded.

    A refusal puts each problem beside the form's field of that name, or above the form when the
    form has no such field (or into `elsewhere` by field name, when given: a list form shows its
    rows' problems beside the rows). The error's own message goes above the form when none of its
    problems was placed, or always with `always_summary`.
    """
    error = _refusal(action)
    if error is None:
        return True
    placed = False
    for field, problems in problems_by_field(error).items():
        if field in form.fields:
            form.add_error(field, problems)
        elif elsewhere is not None:
            elsewhere[field] = problems
        else:
            form.add_error(None, problems)
        placed = placed or bool(problems)
    if always_summary or not placed:
        form.add_error(None, error.message)
    return False


def run_reported(request: HttpRequest, action: Callable[[], Any], *, about: str = "") -> bool:
    """Run the service behind a button on a list page; True when it succeeded. A refusal is shown
    as an error message (after `about`, which names the row) when the list is shown again."""
    error = _refusal(action)
    if error is not None:
        messages.error(request, about + problems_text(error))
    return error is None
