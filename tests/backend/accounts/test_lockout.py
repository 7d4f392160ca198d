"""Five wrong passwords lock one username from one address for 30 minutes, on the login page, the
admin login and the API token endpoint; a security administrator unlocks in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.accounts.services import SECURITY_ADMIN_GROUP, user_role_access_sync

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOCKED = "账号因多次登录失败已暂时锁定，请30分钟后再试或联系安全管理员解锁"


def _web_login(client: Client, username: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password, "next": "/search/"}, **extra)


def _token(client: APIClient, username: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra
    )


def test_the_fifth_wrong_password_locks_the_login_page_even_for_the_right_password(client, make_user):
    make_user(username="amin", role=User.Role.SERVICE_STAFF)
    for _ in range(4):
        response = _web_login(client, "amin", "wrong-password")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    fifth = _web_login(client, "amin", "wrong-password")
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert LOCKED in html
    assert 'role="alert"' in html
    assert 'value="amin"' in html  # the page stays the login page
    right = _web_login(client, "amin", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="amin").failures_since_start == 5


def test_the_lock_is_for_that_username_from_that_address_and_ends_after_30_minutes(client, make_user):
    make_user(username="amin")
    make_user(username="amei")
    for _ in range(5):
        _web_login(client, "amin", "wrong-password")
    assert _web_login(client, "amei", PASSWORD).status_code == 302  # another account: fine
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert _web_login(other_address, "amin", PASSWORD).status_code == 302
    AccessAttempt.objects.filter(username="amin").update(
        attempt_time=timezone.now() - dt.timedelta(minutes=31)
    )
    assert _web_login(Client(), "amin", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, make_user):
    make_user(username="amin")
    for _ in range(4):
        _web_login(client, "amin", "wrong-password")
    assert _web_login(client, "amin", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="amin").exists()
    client.post("/logout/")
    for _ in range(4):
        assert _web_login(client, "amin", "wrong-password").status_code == 200
    assert _web_login(client, "amin", PASSWORD).status_code == 302


def test_the_token_endpoint_locks_with_the_error_format(make_user):
    make_user(username="amin", role=User.Role.EMPLOYER_STAFF)
    client = APIClient()
    answers = [_token(client, "amin", f"wrong-{i}") for i in range(5)]
    assert [a.status_code for a in answers[:4]] == [400] * 4
    assert answers[0].json()["code"] == "invalid_credentials"
    assert answers[4].status_code == 429
    body = answers[4].json()
    assert body["code"] == "account_locked"
    assert LOCKED in body["message"]
    assert body["fields"] == {}
    locked = _token(client, "amin", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "account_locked"


def test_a_token_login_resets_the_count_and_web_and_api_failures_add_up(client, make_user):
    make_user(username="amin")
    api = APIClient()
    for _ in range(3):
        _token(api, "amin", "wrong")
    assert _token(api, "amin", PASSWORD).status_code == 200
    assert not AccessAttempt.objects.filter(username="amin").exists()
    for _ in range(3):
        _token(api, "amin", "wrong")
    _web_login(client, "amin", "wrong")
    assert _web_login(client, "amin", "wrong").status_code == 429
    assert _token(api, "amin", PASSWORD).json()["code"] == "account_locked"


def test_bad_token_input_is_a_400_with_fields_not_a_500(make_user):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "", "password": ["x", "y"]}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "password"}


def test_the_admin_login_is_locked_too(client, make_user):
    make_user(username="root", role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "root", "password": "wrong", "next": "/admin/"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


# --- the security administrator ----------------------------------------------------------------
@pytest.fixture
def security_admin(make_user):
    user = make_user(username="anquan", role=User.Role.SECURITY_ADMIN)
    user_role_access_sync(user=user)
    user.refresh_from_db()
    return user


def test_a_security_admin_gets_the_admin_site_and_exactly_the_account_permissions(security_admin):
    assert security_admin.is_staff
    assert not security_admin.is_superuser
    assert list(security_admin.groups.values_list("name", flat=True)) == [SECURITY_ADMIN_GROUP]
    assert security_admin.get_all_permissions() == {
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "auth.view_group",
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.view_staticdevice",
        "otp_static.delete_staticdevice",
        "accounts.view_apitoken",
        "accounts.delete_apitoken",
    }
    assert Permission.objects.filter(group__name=SECURITY_ADMIN_GROUP).count() == 17


def test_a_role_change_away_from_security_admin_takes_the_group(security_admin):
    security_admin.role = User.Role.ADMIN
    security_admin.save()
    user_role_access_sync(user=security_admin)
    assert not security_admin.groups.exists()


def test_a_security_admin_unlocks_from_the_admin_and_sees_no_worker_data(security_admin, make_user):
    make_user(username="amin")
    for _ in range(5):
        _web_login(Client(), "amin", "wrong")
    admin_client = Client()
    admin_client.force_login(security_admin)
    changelist = admin_client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200
    assert "amin" in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username="amin")
    confirm = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert confirm.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _web_login(Client(), "amin", PASSWORD).status_code == 302
    assert admin_client.get("/admin/workers/workerprofile/").status_code == 403
    assert admin_client.get("/admin/jobs/application/").status_code == 403
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 200
    assert admin_client.get("/admin/accounts/user/").status_code == 200


def test_a_security_admin_cannot_make_anyone_a_superuser_or_change_their_own_role(security_admin, make_user):
    client = Client()
    client.force_login(security_admin)
    own = client.get(f"/admin/accounts/user/{security_admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in own
    assert 'name="role"' not in own
    other = make_user(username="amei", role=User.Role.SERVICE_STAFF)
    html = client.get(f"/admin/accounts/user/{other.pk}/change/").content.decode()
    assert 'name="role"' in html
    assert 'name="is_superuser"' not in html
    root = make_user(username="root", role=User.Role.ADMIN, is_superuser=True, is_staff=True)
    assert client.post(f"/admin/accounts/user/{root.pk}/change/", {}).status_code == 403
