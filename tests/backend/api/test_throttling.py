"""Throttles are on for every view and count in the shared cache, not in one process's memory.

DRF reads its rates once, at import: a test sets one with monkeypatch on the throttle class."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "skillbridge_cache"}
}


@pytest.fixture(autouse=True)
def _cache_table():
    """The table the embedded default counts in (made by migrate; the suite runs without
    migrations, and under Redis nothing else makes it)."""
    call_command("createcachetable", "skillbridge_cache", verbosity=0)


@override_settings(CACHES=DATABASE_CACHE)
def test_token_logins_are_limited_and_counted_in_the_database_cache(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    f.UserFactory(username="amei")
    client = APIClient()
    answers = [
        client.post("/api/v1/auth/token/", {"username": "amei", "password": f"wrong{i}"}).status_code
        for i in range(4)
    ]
    assert answers == [400, 400, 400, 429]
    refused = client.post("/api/v1/auth/token/", {"username": "amei", "password": "x"})
    assert refused.json()["code"] == "throttled"
    assert "请求过于频繁" in refused.json()["message"]
    with connection.cursor() as cursor:  # the count lives where every process sees it
        cursor.execute("SELECT count(*) FROM skillbridge_cache WHERE cache_key LIKE %s", ["%throttle_login%"])
        assert cursor.fetchone()[0] == 1


@override_settings(CACHES=DATABASE_CACHE)
def test_the_import_limit_counts_uploads_not_page_loads(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"imports": "2/hour"})
    client = APIClient()
    client.force_authenticate(f.UserFactory(role="admin"))
    assert [client.get("/api/v1/imports/").status_code for _ in range(4)] == [200] * 4
    uploads = [client.post("/api/v1/imports/", {"kind": "postings"}).status_code for _ in range(3)]
    assert 429 not in uploads[:2]
    assert uploads[2] == 429


def _caches_with(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    environment.update(DJANGO_SETTINGS_MODULE="backend.settings.local", **env)
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])["default"]


def test_the_shared_cache_is_redis_with_a_redis_broker_and_the_database_otherwise():
    assert _caches_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")["BACKEND"].endswith("RedisCache")
    assert _caches_with(REDIS_URL="redis://127.0.0.1:6379/2")["LOCATION"] == "redis://127.0.0.1:6379/2"
    assert _caches_with(CELERY_BROKER_URL="amqp://guest@127.0.0.1//")["BACKEND"].endswith("DatabaseCache")
    assert _caches_with()["BACKEND"].endswith("DatabaseCache")
