"""Layout, language, login/logout and the error pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from backend.accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_home_is_chinese_by_default_with_search_box_and_skip_link(client):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'href="#main"' in html
    assert 'id="main"' in html
    assert 'action="/search/"' in html
    assert 'name="q"' in html
    assert "粤技桥" in html
    assert "登录" in html


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Find work and learn skills close to home" in html
    assert 'value="zh-hans"' in html  # the switch back
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "在家门口找工作" in client.get("/").content.decode()


def test_login_page_keeps_the_username_and_says_what_is_wrong(client, make_user):
    make_user(username="amin")
    response = client.post("/login/", {"username": "amin", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="amin"' in html
    assert 'role="alert"' in html


def test_login_then_logout(client, make_user):
    user = make_user(username="amin", display_name="阿明")
    response = client.post("/login/", {"username": "amin", "password": "pw-test-123", "next": "/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert "阿明" in client.get("/").content.decode()
    assert client.post("/logout/").status_code == 302
    assert "阿明" not in client.get("/").content.decode()
    assert user.pk  # still there, only the session ended


def test_a_missing_field_on_login_is_shown_beside_it(client):
    html = client.post("/login/", {"username": "", "password": ""}).content.decode()
    assert 'id="err-username"' in html
    assert 'id="err-password"' in html


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        ("anonymous", "/search/?kind=job", "/admin/"),
        (User.Role.WORKER, "/search/?kind=training", "/admin/"),
        (User.Role.ADMIN, "/admin/", None),
    ],
)
def test_navigation_depends_on_the_role(client, make_user, role, expected, absent):
    if role != "anonymous":
        client.force_login(make_user(role=role, is_superuser=role == User.Role.ADMIN))
    html = client.get("/").content.decode()
    assert f'href="{expected}"' in html
    if absent:
        assert f'href="{absent}"' not in html


def test_unknown_page_is_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret detail")


urlpatterns = [path("boom/", _boom)]


def test_a_crash_shows_the_500_page_without_a_traceback(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统繁忙" in html
    assert "secret detail" not in html
    assert "Traceback" not in html


def test_csrf_is_enforced_with_a_friendly_page():
    client = Client(enforce_csrf_checks=True)
    posting = f.PostingFactory()
    response = client.post(f"/jobs/{posting.pk}/", {"note": ""})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_html_is_gzipped_for_clients_that_accept_it(client):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
