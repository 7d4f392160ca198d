"""Issue 16: throttles counted per IP without NUM_PROXIES (behind the county's reverse proxy every
client is one IP, or X-Forwarded-For is trusted from anyone). Now the throttles, the lockout and the
audit log take one address: REMOTE_ADDR, or with SKILLBRIDGE_TRUSTED_PROXIES = n the address the
last of our n proxies saw; what the client writes into X-Forwarded-For never counts."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from backend.audit.models import Entry

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "addr"}}
PROXY = "10.0.0.5"  # the county's reverse proxy, as REMOTE_ADDR


@pytest.fixture(autouse=True)
def _counting_cache(settings, monkeypatch):
    settings.CACHES = LOCMEM
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "2/min"})


def _try(forwarded: str, *, username: str = "nobody", remote: str = PROXY) -> int:
    client = APIClient(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    answer = client.post("/api/v1/auth/token/", {"username": username, "password": "wrong"}, format="json")
    return answer.status_code


def test_num_proxies_follows_the_trusted_proxy_setting():
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == django_settings.SKILLBRIDGE_TRUSTED_PROXIES == 0


def test_a_spoofed_x_forwarded_for_is_ignored_without_a_configured_proxy(make_user):
    # A client rotating made-up addresses is still one address: its own.
    assert [_try(f"203.0.113.{n}", remote="198.51.100.7") for n in range(3)] == [400, 400, 429]
    assert _try("203.0.113.99", remote="198.51.100.8") == 400  # another real client
    cache.clear()
    make_user(username="amin")
    for n in range(5):
        cache.clear()  # the throttle aside: the lockout alone
        _try(f"203.0.113.{n}", username="amin", remote="198.51.100.7")
    assert AccessAttempt.objects.get(username="amin").ip_address == "198.51.100.7"
    failures = Entry.objects.filter(event="login_failed", additional_data__username="amin")
    assert set(failures.values_list("remote_addr", flat=True)) == {"198.51.100.7"}


def test_behind_a_trusted_proxy_each_client_is_counted_by_the_address_the_proxy_saw(settings, make_user):
    settings.SKILLBRIDGE_TRUSTED_PROXIES = 1
    # Two clients behind the same proxy have a budget each (not one between them).
    assert [_try("203.0.113.1") for _ in range(2)] == [400, 400]
    assert _try("203.0.113.2") == 400
    # Whatever a client writes left of the proxy's entry does not make it someone else.
    assert _try("1.2.3.4, 203.0.113.1") == 429
    assert _try("9.9.9.9, 203.0.113.2") == 400
    cache.clear()
    make_user(username="amin")
    _try("8.8.8.8, 203.0.113.3", username="amin")
    assert AccessAttempt.objects.get(username="amin").ip_address == "203.0.113.3"
    failure = Entry.objects.get(event="login_failed", additional_data__username="amin")
    assert failure.remote_addr == "203.0.113.3"
