"""Issue 16: no password reset for username/password accounts. Now by email (Django's signed link),
linked from /login/, for every role but worker (their SMS-code reset comes later); the page never
tells whether an account exists; limited per address and per email; the new password follows the
role's rules; afterwards the other sessions, the API tokens and the lockout count are gone; audited."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from backend.accounts import password_reset
from backend.accounts.models import User
from backend.accounts.services import api_token_create
from backend.audit.models import Entry

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reset"}}
NEW_PASSWORD = "Xq7-river-lantern"
SENT = "如果该邮箱登记了账号，我们已发送一封带有重置链接的邮件"


@pytest.fixture(autouse=True)
def _counting_cache(settings):
    settings.CACHES = LOCMEM
    cache.clear()


def _request(client: Client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/password-reset/", {"email": email}, follow=True)


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_login_page_links_to_the_password_reset(client):
    html = client.get("/login/").content.decode()
    assert 'href="/password-reset/"' in html
    page = client.get("/password-reset/")
    assert page.status_code == 200
    assert 'type="email"' in page.content.decode()


def test_password_reset_for_username_password_accounts_by_email_end_to_end(make_user):
    user = make_user(username="amin", role=User.Role.SERVICE_STAFF, email="amin@rsj.example.cn")
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get("/account/security/").status_code == 200
    _row, key = api_token_create(user=user, name="手机")
    AccessAttempt.objects.create(username="amin", ip_address="127.0.0.1", failures_since_start=3)

    page = _request(Client(), "AMIN@rsj.example.cn")
    assert SENT in page.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amin@rsj.example.cn"]
    assert "重置密码" in message.subject
    assert "amin" in message.body

    browser = Client()
    form = browser.get(_link(message), follow=True)
    assert form.status_code == 200
    assert 'autocomplete="new-password"' in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = browser.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "密码已重置" in done.content.decode()

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert signed_in.get("/account/security/").status_code == 302  # the old session is gone
    answer = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    assert answer.json()["code"] == "token_invalid"
    assert not AccessAttempt.objects.filter(username="amin").exists()
    steps = [e.additional_data["step"] for e in Entry.objects.filter(event="password_reset").order_by("pk")]
    assert steps == ["link_sent", "completed"]
    revoke = Entry.objects.get(event="token_revoke")
    assert revoke.additional_data["reason"] == "password_reset"
    # The link works once.
    assert "重置链接无效或已过期" in Client().get(_link(message), follow=True).content.decode()
    assert Client().post("/login/", {"username": "amin", "password": NEW_PASSWORD}).status_code == 302


def test_an_unknown_email_gives_the_same_page_and_no_mail(make_user):
    make_user(role=User.Role.EMPLOYER_STAFF, email="hr@factory.example.cn")
    known = _request(Client(), "hr@factory.example.cn")
    unknown = _request(Client(), "nobody@factory.example.cn")
    assert len(mail.outbox) == 1
    assert (known.status_code, known.redirect_chain) == (unknown.status_code, unknown.redirect_chain)
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())


def test_a_worker_account_is_not_reset_by_email(make_user):
    """Workers reset by SMS code (the SMS issue): no link by email, the same page."""
    make_user(role=User.Role.WORKER, email="worker@example.cn")
    page = _request(Client(), "worker@example.cn")
    assert SENT in page.content.decode()
    assert mail.outbox == []
    assert User.Role.WORKER not in password_reset.EMAIL_RESET_ROLES


def test_the_new_password_follows_the_role_rules(make_user):
    make_user(role=User.Role.ADMIN, email="root@example.cn")
    _request(Client(), "root@example.cn")
    browser = Client()
    form = browser.get(_link(mail.outbox[0]), follow=True)
    short = browser.post(form.redirect_chain[-1][0], {"new_password1": "Ab3-xyz", "new_password2": "Ab3-xyz"})
    assert short.status_code == 200
    html = short.content.decode()
    assert "至少需要 10 个字符" in html
    assert 'aria-invalid="true"' in html
    assert not Entry.objects.filter(event="password_reset", additional_data__step="completed").exists()


def test_reset_requests_are_limited_per_address_and_per_email(make_user, monkeypatch):
    monkeypatch.setattr(
        password_reset.ResetLimit,
        "THROTTLE_RATES",
        {"password_reset": "3/hour", "password_reset_email": "2/hour"},
    )
    make_user(role=User.Role.PROVIDER_STAFF, email="teacher@school.example.cn")
    client = Client()
    # Per email: over the limit, the same page and no more mail.
    pages = [_request(client, "teacher@school.example.cn") for _ in range(3)]
    assert [SENT in p.content.decode() for p in pages] == [True] * 3
    assert len(mail.outbox) == 2
    # Per address: the fourth request from here is refused, whatever the email.
    refused = client.post("/password-reset/", {"email": "someone@else.example.cn"})
    assert refused.status_code == 429
    assert "重置请求过多" in refused.content.decode()
    assert _request(Client(REMOTE_ADDR="10.9.8.7"), "someone@else.example.cn").status_code == 200


def test_a_reset_link_dies_when_the_password_changes(make_user):
    """Django's token is signed over the password hash: a link mailed before a change is void."""
    user = make_user(role=User.Role.SERVICE_STAFF, email="amin@rsj.example.cn")
    _request(Client(), "amin@rsj.example.cn")
    link = _link(mail.outbox[0])
    user.set_password("Another-pass-123")
    user.save()
    assert "重置链接无效或已过期" in Client().get(link, follow=True).content.decode()
