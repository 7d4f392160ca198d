"""/healthz against real components: each failure is a real one (a corrupt index file, a closed
port), and the broker check runs wherever CELERY_BROKER_URL is set (CI pass 2)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from cryptography.fernet import Fernet
from django.conf import global_settings
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from search.services import reset_backend
from tests.services import need

pytestmark = pytest.mark.django_db

CLOSED_PORT = "127.0.0.1:1"  # nothing listens on port 1: connecting is refused at once


@pytest.fixture(autouse=True)
def _cache_table():
    # --no-migrations skips backend.common's migration that makes the database cache's table.
    call_command("createcachetable", "skillbridge_cache", verbosity=0)


@pytest.fixture
def fresh_search_backend():
    reset_backend()
    yield
    reset_backend()


def test_all_components_ok_for_an_anonymous_caller():
    response = Client().get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert {"database", "cache", "search"} <= set(body["checks"])
    assert set(body["checks"].values()) == {"ok"}
    assert "no-store" in response["Cache-Control"]


def test_a_corrupt_search_index_is_a_503_naming_search(settings, tmp_path, fresh_search_backend):
    corrupt = tmp_path / "search.sqlite3"
    corrupt.write_bytes(b"this is not an SQLite database " * 200)
    settings.SEARCH_FTS5_PATH = str(corrupt)

    response = Client().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["search"]
    assert body["checks"]["database"] == "ok"
    assert str(tmp_path) not in response.content.decode()  # details go to the log only


def test_an_unreachable_cache_is_a_503_naming_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{CLOSED_PORT}/0",
        }
    }

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_an_unreachable_broker_is_a_503_naming_broker(settings):
    settings.CELERY_BROKER_URL = f"redis://{CLOSED_PORT}/0"

    response = Client().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert CLOSED_PORT not in response.content.decode()


def test_the_configured_broker_is_checked_and_answers():
    need(bool(django_settings.CELERY_BROKER_URL), "CELERY_BROKER_URL (a Redis or RabbitMQ broker)")

    response = Client().get("/healthz")

    assert response.json()["checks"]["broker"] == "ok"
    assert response.status_code == 200


def test_without_a_broker_url_there_is_no_broker_check(settings):
    settings.CELERY_BROKER_URL = ""

    assert "broker" not in Client().get("/healthz").json()["checks"]


def test_liveness_touches_nothing(settings, tmp_path, fresh_search_backend, django_assert_num_queries):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{CLOSED_PORT}/0",
        }
    }
    settings.SEARCH_FTS5_PATH = str(tmp_path / "missing" / "search.sqlite3")

    with django_assert_num_queries(0):
        response = Client().get("/healthz/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not (tmp_path / "missing").exists()
    assert Client().post("/healthz/live").status_code == 405


def test_a_plain_http_probe_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True  # production's default, behind a TLS-terminating balancer

    assert Client().get("/healthz/live").status_code == 200
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/").status_code == 301


HEALTH_PATHS = ["/healthz", "/healthz/", "/healthz?format=json", "/healthz/?format=json",
                "/healthz/live", "/healthz/live/", "/healthz/live?format=json"]  # fmt: skip
# What decides whether a request is redirected or refused before its view runs.
REDIRECT_SETTINGS = ["MIDDLEWARE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_REDIRECT_EXEMPT",
                     "SECURE_SSL_HOST", "APPEND_SLASH", "PREPEND_WWW", "ALLOWED_HOSTS"]  # fmt: skip


@pytest.fixture
def production_redirects(settings, monkeypatch):
    """This test run's settings with production's redirect and host settings in their place."""
    monkeypatch.setenv("SECRET_KEY", "p" * 64)  # production refuses to load without its secrets
    # Production reads its field keys from base, which this run imported long ago under test's env.
    base = importlib.import_module("backend.settings.base")
    monkeypatch.setattr(base, "FIELD_ENCRYPTION_KEYS", [Fernet.generate_key().decode()])
    monkeypatch.setattr(base, "FIELD_INDEX_KEY", "i" * 40)
    production = importlib.import_module("backend.settings.production")
    for name in REDIRECT_SETTINGS:
        setattr(settings, name, getattr(production, name, getattr(global_settings, name)))
    assert settings.SECURE_SSL_REDIRECT
    assert settings.APPEND_SLASH
    return settings


@pytest.mark.parametrize("host", ["localhost", "10.20.30.40:8000"])  # a probe sends the pod's address
@pytest.mark.parametrize("forwarded", [{}, {"HTTP_X_FORWARDED_PROTO": "http"}])
def test_healthz_is_never_redirected(production_redirects, host, forwarded):
    client = Client(HTTP_HOST=host, **forwarded)  # plain HTTP, as a load balancer probes

    for path in HEALTH_PATHS:
        for method in (client.get, client.head):
            response = method(path)
            assert response.status_code in (200, 503), (path, method, response.status_code)
            assert "Location" not in response, path
    assert client.get("/healthz?format=json").json()["status"] == "ok"
    # The same settings do send every other plain-HTTP request to https.
    assert Client(HTTP_HOST="localhost").get("/").status_code == 301


def test_the_outbox_backlog_is_reported_and_healthy_while_young():
    from backend.outbox.models import OutboxMessage

    now = timezone.now()
    OutboxMessage.objects.create(task="search.refresh_index", args=["job", [1]], available_at=now)

    response = Client().get("/healthz")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["checks"]["outbox"] == "ok"
    assert body["outbox"]["unsent"] == 1
    assert body["outbox"]["oldest_age_seconds"] < 60


def test_an_outbox_row_unsent_for_over_10_minutes_is_a_503_naming_the_outbox():
    from backend.outbox.models import OutboxMessage

    now = timezone.now()
    stuck = OutboxMessage.objects.create(task="matching.execute_run", args=[1], available_at=now)
    OutboxMessage.objects.filter(pk=stuck.pk).update(created_at=now - dt.timedelta(minutes=11))
    OutboxMessage.objects.create(
        task="t", available_at=now, sent_at=now - dt.timedelta(hours=2)
    )  # sent: ignored

    response = Client().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["outbox"]
    assert body["outbox"]["unsent"] == 1
    assert body["outbox"]["oldest_age_seconds"] >= 660
