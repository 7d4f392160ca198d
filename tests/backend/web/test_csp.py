"""The Content-Security-Policy header: strict on every page (the browser test,
tests/browser/test_csp.py, loads each one under it and finds no violation), a nonce only where a
page uses one, and the API docs pages' own additions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from backend.accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db

STRICT_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def parse_policy(header: str) -> dict[str, set[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


def without_nonces(policy: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: {s for s in sources if not s.startswith("'nonce-")} for name, sources in policy.items()}


def nonces(policy: dict[str, set[str]], directive: str) -> set[str]:
    return {s[len("'nonce-") : -1] for s in policy.get(directive, set()) if s.startswith("'nonce-")}


@pytest.mark.parametrize(
    "url", ["/", "/search/?q=厨师", "/login/", "/privacy/", "/no-such-page/", "/admin/login/"]
)
def test_pages_carry_the_strict_policy_without_a_nonce(client, url):
    response = client.get(url)

    assert parse_policy(response["Content-Security-Policy"]) == STRICT_POLICY


def test_a_pages_own_script_and_style_are_files_not_inline(client):
    html = client.get("/").content.decode()

    assert "<style" not in html
    assert ' style="' not in html
    assert "<script>" not in html
    assert '<script type="module" src="/static/js/search.js"></script>' in html


def test_the_dashboard_legend_has_no_style_attributes(client):
    staff = f.UserFactory(
        role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=["441881"])
    )
    staff.save()
    client.force_login(staff)

    html = client.get("/staff/dashboard/").content.decode()

    assert 'class="swatch swatch-0"' in html
    assert "style=" not in html


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret detail")


urlpatterns = [path("boom/", _boom)]
handler500 = "backend.web.errors.server_error"


def test_the_500_pages_inline_style_carries_the_headers_nonce(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    policy = parse_policy(response["Content-Security-Policy"])
    assert without_nonces(policy) == STRICT_POLICY
    (nonce,) = nonces(policy, "style-src")
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert nonces(policy, "script-src") == {nonce}  # django-csp adds one nonce to both; no script uses it


def test_the_api_docs_pages_work_from_own_files_under_their_own_policy(client):
    swagger = client.get("/api/docs/")
    policy = parse_policy(swagger["Content-Security-Policy"])
    assert without_nonces(policy) == STRICT_POLICY
    (nonce,) = nonces(policy, "style-src")
    html = swagger.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert '<script src="/api/docs/?script="></script>' in html  # the start-up script, not inline
    assert "<script>" not in html
    assert client.get("/api/docs/?script=").status_code == 200

    redoc = client.get("/api/redoc/")
    # Redoc's bundle inserts styles as it loads, where no nonce can reach them.
    policy = parse_policy(redoc["Content-Security-Policy"])
    assert policy == {
        **STRICT_POLICY,
        "style-src": {"'self'", "'unsafe-inline'"},
        "worker-src": {"'self'", "blob:"},
    }
    html = redoc.content.decode()
    assert "googleapis" not in html
    assert "<script>" not in html


def test_api_responses_carry_the_policy_too(client):
    assert parse_policy(client.get("/api/v1/divisions/")["Content-Security-Policy"]) == STRICT_POLICY
