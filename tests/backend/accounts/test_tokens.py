"""Issue 16, tokens: API tokens expire by role, are stored hashed, one per device; the owner lists
and revokes them (API and /account/tokens/), a security administrator anyone's (API and Django
admin), audited; the token endpoint keeps the login lockout and has its own throttle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from backend.accounts.models import ApiToken, User
from backend.accounts.services import api_token_create, api_tokens_purge_expired, user_role_access_sync
from backend.audit.models import Entry

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tokens"}}


@pytest.fixture(autouse=True)
def _counting_cache(settings):
    settings.CACHES = LOCMEM
    cache.clear()


def _login(client: APIClient, username: str, password: str = PASSWORD, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


def _as(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def security_admin(make_user):
    user = make_user(username="anquan", role=User.Role.SECURITY_ADMIN)
    user_role_access_sync(user=user)
    user.refresh_from_db()
    return user


# --- expiry -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "lifetime"),
    [
        (User.Role.WORKER, dt.timedelta(days=30)),
        (User.Role.SERVICE_STAFF, dt.timedelta(hours=8)),
        (User.Role.PROVIDER_STAFF, dt.timedelta(hours=8)),
        (User.Role.EMPLOYER_STAFF, dt.timedelta(hours=8)),
        (User.Role.ADMIN, dt.timedelta(hours=8)),
    ],
)
def test_tokens_expire_by_role_instead_of_never(make_user, role, lifetime):
    make_user(username="amin", role=role)
    before = timezone.now()
    answer = _login(APIClient(), "amin", name="我的手机")
    assert answer.status_code == 200
    token = ApiToken.objects.get(pk=answer.json()["id"])
    assert before + lifetime <= token.expiry <= timezone.now() + lifetime
    assert answer.json()["expires_at"].startswith(timezone.localtime(token.expiry).isoformat()[:16])
    assert token.name == "我的手机"


def test_the_token_lifetime_is_configurable(make_user, settings):
    settings.SKILLBRIDGE_TOKEN_TTL_STAFF = dt.timedelta(hours=1)
    user = make_user(role=User.Role.SERVICE_STAFF)
    token, _key = api_token_create(user=user)
    assert token.expiry - token.created < dt.timedelta(hours=1, seconds=5)


def test_an_expired_token_gives_401_token_expired(make_user):
    user = make_user()
    token, key = api_token_create(user=user)
    assert _as(key).get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    answer = _as(key).get("/api/v1/me/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_expired"
    assert "已过期" in answer.json()["message"]
    assert answer["WWW-Authenticate"] == "Token"
    assert api_tokens_purge_expired() == 1
    assert _as(key).get("/api/v1/me/").json()["code"] == "token_invalid"


def test_tokens_are_stored_hashed_several_per_user_with_last_use(make_user):
    make_user(username="amin")
    phone = _login(APIClient(), "amin", name="手机", HTTP_USER_AGENT="SkillBridgeApp/2.1").json()["token"]
    laptop = _login(APIClient(), "amin", name="电脑").json()["token"]
    assert phone != laptop
    assert _as(phone).get("/api/v1/me/").status_code == 200
    assert _as(laptop).get("/api/v1/me/").status_code == 200
    rows = list(ApiToken.objects.filter(user__username="amin"))
    assert len(rows) == 2
    for row in rows:
        assert row.digest not in (phone, laptop)
        assert phone not in row.digest
        assert laptop not in row.digest
    used = ApiToken.objects.get(name="手机")
    assert used.last_used_at is not None
    assert ApiToken.objects.get(name="电脑").last_used_at is not None


def test_a_new_token_beyond_the_limit_revokes_the_oldest(make_user, settings):
    settings.SKILLBRIDGE_TOKENS_PER_USER = 2
    user = make_user()
    _first, first = api_token_create(user=user, name="一")
    api_token_create(user=user, name="二")
    api_token_create(user=user, name="三")
    assert sorted(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == ["三", "二"]
    assert _as(first).get("/api/v1/me/").json()["code"] == "token_invalid"


# --- the owner ----------------------------------------------------------------------------------
def test_the_owner_lists_their_tokens_without_the_key(make_user):
    user = make_user()
    other = make_user()
    _row, key = api_token_create(user=user, name="手机", user_agent="Mozilla/5.0")
    api_token_create(user=user, name="平板")
    api_token_create(user=other, name="别人的")
    answer = _as(key).get("/api/v1/auth/tokens/")
    assert answer.status_code == 200
    listed = answer.json()
    assert [t["name"] for t in listed] == ["平板", "手机"]
    assert set(listed[0]) == {
        "id",
        "name",
        "user_agent",
        "created_at",
        "last_used_at",
        "expires_at",
        "current",
    }
    assert [t["current"] for t in listed] == [False, True]
    assert key not in answer.content.decode()


def test_a_revoked_token_gives_401(make_user):
    user = make_user()
    row, key = api_token_create(user=user, name="丢了的手机")
    _other_row, other_key = api_token_create(user=user, name="新手机")
    assert _as(other_key).delete(f"/api/v1/auth/tokens/{row.pk}/").status_code == 204
    answer = _as(key).get("/api/v1/me/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_invalid"
    assert _as(other_key).get("/api/v1/me/").status_code == 200
    entry = Entry.objects.get(event="token_revoke")
    assert (entry.actor_id, entry.object_pk) == (user.pk, str(user.pk))
    assert entry.additional_data == {"reason": "owner", "tokens": [row.pk]}


def test_the_owner_revokes_all_their_tokens(make_user):
    user = make_user()
    keys = [api_token_create(user=user)[1] for _ in range(3)]
    answer = _as(keys[0]).delete("/api/v1/auth/tokens/")
    assert answer.json() == {"revoked": 3}
    assert [_as(key).get("/api/v1/me/").status_code for key in keys] == [401] * 3


def test_nobody_revokes_or_sees_another_users_token(make_user):
    owner, other = make_user(), make_user(role=User.Role.ADMIN)
    row, key = api_token_create(user=owner)
    _row, other_key = api_token_create(user=other)
    assert _as(other_key).delete(f"/api/v1/auth/tokens/{row.pk}/").status_code == 404
    assert _as(other_key).get(f"/api/v1/auth/users/{owner.pk}/tokens/").status_code == 403
    assert _as(other_key).delete(f"/api/v1/auth/users/{owner.pk}/tokens/").status_code == 403
    assert _as(key).get("/api/v1/me/").status_code == 200


def test_the_account_page_lists_and_revokes_tokens_without_showing_keys(make_user):
    user = make_user(role=User.Role.EMPLOYER_STAFF)
    row, key = api_token_create(user=user, name="前台电脑", user_agent="curl/8.0")
    api_token_create(user=user, name="手机")
    client = Client()
    client.force_login(user)
    html = client.get("/account/tokens/").content.decode()
    assert "前台电脑" in html
    assert "curl/8.0" in html
    assert "手机" in html
    assert key not in html
    assert row.digest not in html
    assert "<script" not in html
    assert client.post(f"/account/tokens/{row.pk}/revoke/").status_code == 302
    assert _as(key).get("/api/v1/me/").status_code == 401
    assert "已吊销该令牌" in client.get("/account/tokens/").content.decode()
    client.post("/account/tokens/revoke-all/")
    assert not ApiToken.objects.filter(user=user).exists()
    assert client.get(f"/account/tokens/{row.pk}/revoke/").status_code == 405


def test_the_account_page_of_a_worker_and_the_login_it_needs(make_user):
    worker = make_user()
    assert Client().get("/account/tokens/").status_code == 302
    client = Client()
    client.force_login(worker)
    page = client.get("/account/tokens/")
    assert page.status_code == 200
    assert "您目前没有有效的令牌" in page.content.decode()
    other_row, _key = api_token_create(user=make_user(), name="别人的")
    client.post(f"/account/tokens/{other_row.pk}/revoke/")
    assert ApiToken.objects.filter(pk=other_row.pk).exists()


# --- the security administrator -----------------------------------------------------------------
def test_a_security_admin_lists_and_revokes_any_users_tokens_audited(make_user, security_admin):
    owner = make_user(role=User.Role.SERVICE_STAFF)
    row, key = api_token_create(user=owner, name="办公室电脑")
    api_token_create(user=owner, name="手机")
    _row, admin_key = api_token_create(user=security_admin)
    listed = _as(admin_key).get(f"/api/v1/auth/users/{owner.pk}/tokens/").json()
    assert [t["name"] for t in listed] == ["手机", "办公室电脑"]
    assert _as(admin_key).delete(f"/api/v1/auth/tokens/{row.pk}/").status_code == 204
    assert _as(key).get("/api/v1/me/").status_code == 401
    assert _as(admin_key).delete(f"/api/v1/auth/users/{owner.pk}/tokens/").json() == {"revoked": 1}
    assert not ApiToken.objects.filter(user=owner).exists()
    entries = Entry.objects.filter(event="token_revoke").order_by("pk")
    assert [(e.actor_id, e.object_pk, e.additional_data["reason"]) for e in entries] == [
        (security_admin.pk, str(owner.pk), "security_admin")
    ] * 2
    assert _as(admin_key).get("/api/v1/auth/users/999999/tokens/").status_code == 404


def test_a_security_admin_revokes_tokens_in_the_django_admin_audited(make_user, security_admin):
    owner = make_user()
    row, key = api_token_create(user=owner, name="旧手机")
    client = Client()
    client.force_login(security_admin)
    changelist = client.get("/admin/accounts/apitoken/")
    assert changelist.status_code == 200
    assert "旧手机" in changelist.content.decode()
    assert row.digest not in client.get(f"/admin/accounts/apitoken/{row.pk}/change/").content.decode()
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    answer = client.post(
        "/admin/accounts/apitoken/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert answer.status_code == 302
    assert _as(key).get("/api/v1/me/").json()["code"] == "token_invalid"
    entry = Entry.objects.get(event="token_revoke")
    assert (entry.actor_id, entry.additional_data["reason"]) == (security_admin.pk, "security_admin")


# --- the token endpoint -------------------------------------------------------------------------
def test_the_token_endpoint_has_the_login_lockout_and_its_own_throttle(make_user, monkeypatch):
    """Five wrong passwords lock the username from this address (shared with the login page);
    the `login` throttle then limits tries per client address, whatever the username."""
    make_user(username="amin")
    client = APIClient()
    assert [_login(client, "amin", "wrong").status_code for _ in range(5)] == [400, 400, 400, 400, 429]
    assert _login(client, "amin").json()["code"] == "account_locked"
    assert Client().post("/login/", {"username": "amin", "password": PASSWORD}).status_code == 429

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    make_user(username="amei")
    answers = [_login(client, name, "wrong").status_code for name in ("amei", "x1", "x2", "x3")]
    assert answers == [400, 400, 400, 429]
    assert _login(client, "amei").json()["code"] == "throttled"


def test_a_token_login_is_audited(make_user):
    user = make_user(username="amin")
    answer = _login(APIClient(), "amin", name="手机")
    entry = Entry.objects.filter(event="login").get()
    assert entry.actor_id == user.pk
    assert entry.additional_data == {"via": "api_token", "token": answer.json()["id"]}
