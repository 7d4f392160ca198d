"""TOTP with recovery codes: enrol (QR code) → verify → a recovery code works once →
regenerate; the setting SKILLBRIDGE_REQUIRE_2FA; the token endpoint's `otp`. Codes are computed
from the device's key with django_otp.oath.TOTP, as an authenticator app would."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from backend.accounts import second_factor
from backend.accounts.models import User

from .conftest import PASSWORD, totp_code, wrong_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_2fa(settings):
    settings.SKILLBRIDGE_REQUIRE_2FA = True


@pytest.fixture
def no_throttle(settings):
    """django-otp waits 1, 2, 4 ... seconds after each wrong code; these tests retry at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _log_in(client: Client, user: User, next_url: str = "/manage/postings/"):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": user.username, "password": PASSWORD, "next": next_url})


def test_enrol_verify_use_a_recovery_code_once_and_regenerate(client, make_user, require_2fa, no_throttle):
    user = make_user(role=User.Role.SERVICE_STAFF)
    # Password accepted; every staff page now leads to the enrolment first.
    assert _log_in(client, user, "/staff/dashboard/")["Location"] == "/staff/dashboard/"
    response = client.get("/staff/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/enrol/?next=/staff/dashboard/"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html  # the QR code, inline
    assert "<path" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", html).group(1)
    assert [len(group) for group in key.split()] == [4] * 8
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert '<label for="id_code">' in html

    wrong = client.post("/account/2fa/enrol/", {"code": wrong_code(device), "next": "/staff/dashboard/"})
    assert wrong.status_code == 200
    assert 'aria-invalid="true"' in wrong.content.decode()
    confirmed = client.post("/account/2fa/enrol/", {"code": totp_code(device), "next": "/staff/dashboard/"})
    assert confirmed["Location"] == "/account/2fa/recovery-codes/?next=/staff/dashboard/"
    shown = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    assert "只显示这一次" in shown
    again = client.get(confirmed["Location"]).content.decode()
    assert not re.findall(r"<li><code>", again)  # shown once
    assert client.get("/staff/dashboard/").status_code == 200  # this session is verified

    # Next login: the code from the app.
    client.post("/logout/")
    _log_in(client, user, "/staff/dashboard/")
    assert client.get("/staff/dashboard/")["Location"] == "/account/2fa/verify/?next=/staff/dashboard/"
    verify_page = client.get("/account/2fa/verify/?next=/staff/dashboard/").content.decode()
    assert 'autocomplete="one-time-code"' in verify_page
    assert (
        client.post(
            "/account/2fa/verify/", {"code": wrong_code(device), "next": "/staff/dashboard/"}
        ).status_code
        == 200
    )
    device.refresh_from_db()
    ok = client.post(
        "/account/2fa/verify/", {"code": totp_code(device, steps_ahead=1), "next": "/staff/dashboard/"}
    )
    assert ok["Location"] == "/staff/dashboard/"
    assert client.get("/staff/dashboard/").status_code == 200

    # A recovery code instead: once.
    for attempt in range(2):
        other = Client()
        _log_in(other, user, "/staff/dashboard/")
        answer = other.post("/account/2fa/verify/", {"recovery_code": codes[0], "next": "/staff/dashboard/"})
        if attempt == 0:
            assert answer["Location"] == "/staff/dashboard/"
            assert "还剩 9 个" in other.get("/staff/dashboard/").content.decode()
        else:
            assert answer.status_code == 200
            assert "不正确" in answer.content.decode()
            assert other.get("/staff/dashboard/").status_code == 302

    # Regenerating replaces them all.
    regenerated = client.post("/account/2fa/recovery-codes/", {"next": "/account/security/"})
    fresh = re.findall(
        r"<li><code>([a-z2-7]{8})</code></li>", client.get(regenerated["Location"]).content.decode()
    )
    assert len(fresh) == 10
    assert set(fresh).isdisjoint(codes)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(fresh)
    third = Client()
    _log_in(third, user, "/staff/dashboard/")
    assert third.post("/account/2fa/verify/", {"recovery_code": codes[1]}).status_code == 200
    assert (
        third.post("/account/2fa/verify/", {"recovery_code": fresh[1], "next": "/staff/dashboard/"})[
            "Location"
        ]
        == "/staff/dashboard/"
    )


def test_without_the_setting_staff_are_not_asked_until_they_enrol(client, make_user, enrolled):
    user = make_user(role=User.Role.SERVICE_STAFF)
    _log_in(client, user)
    assert client.get("/staff/dashboard/").status_code == 200
    assert client.get("/account/security/").status_code == 200
    enrolled(user)
    fresh = Client()
    _log_in(fresh, user)
    assert fresh.get("/staff/dashboard/")["Location"] == "/account/2fa/verify/?next=/staff/dashboard/"


@pytest.mark.parametrize(
    ("role", "asked"),
    [
        (User.Role.SERVICE_STAFF, True),
        (User.Role.ADMIN, True),
        (User.Role.SECURITY_ADMIN, True),
        (User.Role.AUDITOR, True),
        (User.Role.PROVIDER_STAFF, False),
        (User.Role.EMPLOYER_STAFF, False),
        (User.Role.WORKER, False),
    ],
)
def test_the_setting_requires_it_of_service_staff_and_the_three_administrators(
    client, make_user, require_2fa, role, asked
):
    client.force_login(make_user(role=role))
    response = client.get("/search/")
    assert (response.status_code == 302 and response["Location"].startswith("/account/2fa/enrol/")) is asked


def test_the_admin_and_the_session_api_wait_for_the_code(client, make_user, require_2fa, enrolled):
    user = make_user(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    enrolled(user)
    _log_in(client, user)
    assert client.get("/admin/")["Location"] == "/account/2fa/verify/?next=/admin/"
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["code"] == "otp_required"
    assert client.get("/account/2fa/verify/").status_code == 200  # its own pages stay open
    assert client.post("/logout/").status_code == 302


def test_a_password_alone_cannot_replace_an_enrolled_app(client, make_user, enrolled):
    user = make_user(role=User.Role.SERVICE_STAFF)
    enrolled(user)
    _log_in(client, user)
    response = client.get("/account/2fa/enrol/")
    assert response["Location"].startswith("/account/2fa/verify/")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_workers_cannot_enrol(client, make_user):
    client.force_login(make_user(role=User.Role.WORKER))
    assert client.get("/account/2fa/enrol/").status_code == 403
    assert not TOTPDevice.objects.exists()


def test_five_wrong_codes_on_the_page_lock_the_account(client, make_user, enrolled, no_throttle):
    user = make_user(role=User.Role.SERVICE_STAFF)
    device, _codes = enrolled(user)
    _log_in(client, user)
    for _ in range(4):
        assert client.post("/account/2fa/verify/", {"code": wrong_code(device)}).status_code == 200
    locked = client.post("/account/2fa/verify/", {"code": wrong_code(device)})
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert _log_in(Client(), user).status_code == 429


def test_a_wrong_code_is_throttled_by_django_otp(make_user, enrolled):
    user = make_user(role=User.Role.SERVICE_STAFF)
    device, _codes = enrolled(user)
    assert second_factor.code_check(user=user, code=wrong_code(device)) is None
    # Right code, but within django-otp's back-off after a failure: refused.
    assert second_factor.code_check(user=user, code=totp_code(device, steps_ahead=1)) is None


# --- the token endpoint ------------------------------------------------------------------------
def _token(username: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


def test_the_token_endpoint_needs_the_code_of_an_enrolled_account(make_user, enrolled, no_throttle):
    user = make_user(role=User.Role.PROVIDER_STAFF, username="amin")
    device, codes = enrolled(user)
    missing = _token("amin")
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required"
    assert missing.json()["fields"]["otp"][0]["code"] == "otp_required"
    wrong = _token("amin", otp=wrong_code(device))
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "otp_invalid"
    assert AccessAttempt.objects.get(username="amin").failures_since_start == 2
    right = _token("amin", otp=totp_code(device, steps_ahead=1))
    assert right.status_code == 200
    assert len(right.json()["token"]) == 64
    assert not AccessAttempt.objects.filter(username="amin").exists()
    assert _token("amin", otp=codes[3]).status_code == 200  # a recovery code, once
    assert _token("amin", otp=codes[3]).json()["code"] == "otp_invalid"


def test_missing_or_wrong_codes_lock_the_token_endpoint(make_user, enrolled, no_throttle):
    user = make_user(role=User.Role.SERVICE_STAFF, username="amin")
    device, _codes = enrolled(user)
    answers = [_token("amin", otp="" if i % 2 else wrong_code(device)).json()["code"] for i in range(5)]
    assert answers == ["otp_invalid", "otp_required", "otp_invalid", "otp_required", "account_locked"]
    assert _token("amin", otp=totp_code(device, steps_ahead=1)).json()["code"] == "account_locked"


def test_required_but_not_enrolled_cannot_get_a_token(make_user, require_2fa):
    make_user(role=User.Role.AUDITOR, username="shenji")
    response = _token("shenji")
    assert response.status_code == 400
    assert response.json()["code"] == "otp_required"
    assert "网页" in response.json()["message"]
    make_user(role=User.Role.PROVIDER_STAFF, username="amin")
    assert _token("amin").status_code == 200  # optional for provider staff
