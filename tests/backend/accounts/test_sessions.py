"""Staff sessions end 8 hours after the login and after 30 idle minutes; workers keep theirs.
Time moves by rewriting the session's clocks, or by passing `now` to the pure rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.sessions import LOGIN_AT, SEEN_AT, Expiry, session_expiry

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
NON_WORKER_ROLES = [role for role in User.Role.values if role != User.Role.WORKER]
T0 = dt.datetime(2024, 3, 15, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("login_minutes_ago", "seen_minutes_ago", "expected"),
    [
        (5, 1, None),
        (60, 29, None),
        (60, 30, Expiry.IDLE),
        (8 * 60 - 1, 1, None),
        (8 * 60, 1, Expiry.ABSOLUTE),
        (8 * 60 + 5, 40, Expiry.ABSOLUTE),
    ],
)
def test_the_staff_rule(login_minutes_ago, seen_minutes_ago, expected):
    now = T0 + dt.timedelta(hours=9)
    assert (
        session_expiry(
            short=True,
            login_at=now - dt.timedelta(minutes=login_minutes_ago),
            seen_at=now - dt.timedelta(minutes=seen_minutes_ago),
            now=now,
        )
        is expected
    )


def test_workers_have_no_short_limit():
    now = T0 + dt.timedelta(days=13)
    assert session_expiry(short=False, login_at=T0, seen_at=T0, now=now) is None


def _shift(client, **minutes_ago: int) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    for key, minutes in minutes_ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = (
            timezone.now() - dt.timedelta(minutes=minutes)
        ).isoformat()
    session.save()


def _log_in(client, user) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("role", NON_WORKER_ROLES)
def test_a_staff_session_ends_after_30_idle_minutes_with_a_message(client, make_user, role):
    user = make_user(role=role, display_name="阿明")
    _log_in(client, user)
    assert client.session.get_expiry_age() == 30 * 60  # the cookie dies with the idle limit
    _shift(client, seen=29)
    assert "阿明" in client.get("/search/").content.decode()
    _shift(client, seen=31)
    response = client.get("/search/?q=cook&page=2")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/search/%3Fq%3Dcook%26page%3D2"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "请重新登录" in page


def test_requests_keep_a_staff_session_alive_but_not_past_8_hours(client, make_user):
    _log_in(client, make_user(role=User.Role.SERVICE_STAFF))
    _shift(client, login=7 * 60 + 50, seen=20)
    assert client.get("/search/").status_code == 200
    assert timezone.now() - dt.datetime.fromisoformat(client.session[SEEN_AT]) < dt.timedelta(minutes=1)
    _shift(client, login=8 * 60 + 1)
    response = client.get("/search/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_new_login_restarts_the_8_hours(client, make_user):
    user = make_user(role=User.Role.ADMIN)
    _log_in(client, user)
    _shift(client, login=8 * 60 - 5)
    client.force_login(user)  # any login() in the same session, e.g. the admin's login page
    assert timezone.now() - dt.datetime.fromisoformat(client.session[LOGIN_AT]) < dt.timedelta(minutes=1)


def test_the_api_answers_401_when_the_session_has_ended(client, make_user):
    _log_in(client, make_user(role=User.Role.SERVICE_STAFF))
    assert client.get("/api/v1/me/").status_code == 200
    _shift(client, seen=45)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert client.get("/api/v1/me/").status_code in (401, 403)  # logged out for good


def test_a_worker_stays_signed_in_for_days(client, make_user):
    user = make_user(role=User.Role.WORKER, display_name="阿妹")
    _log_in(client, user)
    assert client.session.get_expiry_age() == 14 * 24 * 60 * 60
    _shift(client, login=6 * 24 * 60, seen=3 * 24 * 60)
    assert "阿妹" in client.get("/search/").content.decode()


def test_a_session_without_clocks_starts_them_on_its_first_request(client, make_user):
    client.force_login(make_user(role=User.Role.EMPLOYER_STAFF))
    assert LOGIN_AT in client.session  # force_login sends user_logged_in as well
    session = client.session
    del session[LOGIN_AT]
    del session[SEEN_AT]
    session.save()
    assert client.get("/search/").status_code == 200
    assert LOGIN_AT in client.session
    assert SEEN_AT in client.session
