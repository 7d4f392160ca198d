"""The web layer's one role guard and its one mapping of service errors onto forms and messages."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from backend.accounts.models import User
from backend.common import errors
from backend.web.shared import for_roles, problems_text, run_reported, run_service


def _request(user):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/somewhere/?page=2")
    request.user = user
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


@for_roles("worker", "service_staff", refusal="only workers and staff")
def page(request):  # type: ignore[no-untyped-def]
    return HttpResponse("the page")


class NoteForm(forms.Form):
    note = forms.CharField(required=False)


def _refuse(error: errors.DomainError):  # type: ignore[no-untyped-def]
    def action() -> None:
        raise error

    return action


def _field_error(field: str, message: str) -> errors.DomainError:
    return errors.ValidationFailed.for_field(field, "invalid", message)


# --- for_roles ---------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in_and_come_back():
    response = page(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/somewhere/%3Fpage%3D2"


def test_another_role_gets_the_403_page_with_the_refusal():
    with pytest.raises(PermissionDenied, match="only workers and staff"):
        page(_request(User(role=User.Role.PROVIDER_STAFF)))


@pytest.mark.parametrize("role", [User.Role.WORKER, User.Role.SERVICE_STAFF])
def test_each_named_role_gets_the_page(role):
    assert page(_request(User(role=role))).content == b"the page"


def test_a_superuser_is_the_admin_role():
    with pytest.raises(PermissionDenied):
        page(_request(User(role=User.Role.WORKER, is_superuser=True)))


# --- run_service -------------------------------------------------------------------------------


def test_success_leaves_the_form_alone():
    form = NoteForm({"note": "x"})
    assert form.is_valid()
    assert run_service(form, lambda: None) is True
    assert form.errors == {}


def test_field_problems_go_beside_the_field_without_the_summary():
    form = NoteForm({"note": "x"})
    form.is_valid()
    assert run_service(form, _refuse(_field_error("note", "too short"))) is False
    assert form.errors == {"note": ["too short"]}


def test_a_problem_of_a_field_the_form_lacks_goes_above_the_form():
    form = NoteForm({"note": "x"})
    form.is_valid()
    assert run_service(form, _refuse(_field_error("session", "full"))) is False
    assert form.non_field_errors() == ["full"]


def test_an_error_without_fields_is_the_non_field_message():
    form = NoteForm({"note": "x"})
    form.is_valid()
    assert run_service(form, _refuse(errors.Conflict("already done"))) is False
    assert form.non_field_errors() == ["already done"]
    assert "note" not in form.errors


def test_elsewhere_collects_other_fields_and_always_summary_adds_the_message():
    form = NoteForm({"note": "x"})
    form.is_valid()
    rows: dict[str, list[str]] = {}
    error = errors.Conflict("1 failed", fields={"ids.7": [{"code": "not_found", "message": "gone"}]})
    assert run_service(form, _refuse(error), elsewhere=rows, always_summary=True) is False
    assert rows == {"ids.7": ["gone"]}
    assert form.non_field_errors() == ["1 failed"]


def test_a_service_permission_refusal_is_the_403_page():
    form = NoteForm({"note": "x"})
    form.is_valid()
    with pytest.raises(PermissionDenied, match="not yours"):
        run_service(form, _refuse(errors.PermissionDenied("not yours")))


# --- run_reported ------------------------------------------------------------------------------


def test_a_refused_button_becomes_an_error_message_naming_the_row():
    request = _request(User(role=User.Role.WORKER))
    assert run_reported(request, _refuse(_field_error("status", "cannot")), about="Row 1:") is False
    assert [m.message for m in get_messages(request)] == ["Row 1:cannot"]


def test_a_successful_button_adds_no_message():
    request = _request(User(role=User.Role.WORKER))
    assert run_reported(request, lambda: None) is True
    assert list(get_messages(request)) == []


def test_problems_text_prefers_the_field_messages():
    assert problems_text(_field_error("a", "one")) == "one"
    assert problems_text(errors.Conflict("whole")) == "whole"
