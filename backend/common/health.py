"""What /healthz checks, with django-health-check 4.x: the database, the shared cache, the Celery
broker when one is configured, the search index, and the outbox backlog.

The broker check opens a connection and nothing more. It does not ping workers: this endpoint
decides whether a load balancer sends traffic to this web process, which serves pages and records
its tasks in the outbox whether or not a worker is up at this moment; a worker ping would also
broadcast to every worker and wait out its timeout on each probe. Workers are watched on their own
(`celery -A backend inspect ping`).

The outbox check reads the backlog of tasks waiting to be sent (backend/outbox): it fails, and the
answer names "outbox", when the oldest unsent row has waited longer than
OUTBOX_HEALTH_MAX_AGE_SECONDS (10 minutes): writes still succeed then, but their search refreshes,
batch runs and imports are not being done (broker or beat down for that long, or a task that keeps
failing). The backlog (count, age of the oldest) is in the answer either way.

The answer names components only: error details (hosts, file paths) go to the log, not to whoever
can reach the URL.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from backend.outbox.selectors import Backlog, outbox_backlog

logger = logging.getLogger(__name__)


def _timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.HEALTH_CHECK_TIMEOUT_SECONDS)


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connects to CELERY_BROKER_URL (Redis or RabbitMQ, through Celery's own transport) once."""

    url: str = dataclasses.field(default="", repr=False)  # may carry a password
    timeout: datetime.timedelta = dataclasses.field(default_factory=_timeout, repr=False)

    def run(self) -> None:
        from backend.celery import app

        seconds = self.timeout.total_seconds()
        try:
            with app.connection_for_write(self.url or None, connect_timeout=seconds) as connection:
                connection.ensure_connection(max_retries=0, timeout=seconds)
        except Exception as error:  # kombu raises the transport's own errors
            raise ServiceUnavailable("broker unreachable") from error


@dataclasses.dataclass
class SearchIndex(HealthCheck):
    """The configured search backend answers its stats call: the FTS5 file opens and has its
    tables (a count per kind), or Elasticsearch answers for its aliases."""

    timeout: datetime.timedelta = dataclasses.field(default_factory=_timeout, repr=False)

    def run(self) -> None:
        from search.services import index_stats

        try:
            stats = index_stats()
        except Exception as error:  # sqlite3 / elasticsearch errors alike
            raise ServiceUnavailable("search index unavailable") from error
        if not isinstance(stats, dict) or "backend" not in stats:
            raise ServiceUnavailable("search index gave no stats")


@dataclasses.dataclass
class Outbox(HealthCheck):
    """The oldest unsent outbox row is younger than OUTBOX_HEALTH_MAX_AGE_SECONDS. The backlog is
    read once by the view (on the request's own connection) and handed in."""

    backlog: Backlog = dataclasses.field(default_factory=lambda: Backlog(0, 0.0))

    def run(self) -> None:
        if self.backlog.oldest_age_seconds > settings.OUTBOX_HEALTH_MAX_AGE_SECONDS:
            raise ServiceUnavailable(
                f"outbox backlog: {self.backlog.unsent} unsent, oldest {self.backlog.oldest_age_seconds:.0f} s"
            )


def _backlog() -> Backlog | None:
    """None when the database cannot say (its own check then fails)."""
    try:
        return outbox_backlog()
    except DatabaseError:
        logger.warning("outbox backlog unreadable", exc_info=True)
        return None


def checks(backlog: Backlog | None = None) -> dict[str, HealthCheck]:
    """Component name -> check, for this configuration."""
    found: dict[str, HealthCheck] = {
        "database": Database(),
        "cache": Cache(timeout=_timeout()),
        "search": SearchIndex(),
    }
    if backlog is not None:
        found["outbox"] = Outbox(backlog=backlog)
    if settings.CELERY_BROKER_URL:
        found["broker"] = Broker(url=settings.CELERY_BROKER_URL)
    return found


class HealthView(HealthCheckView):
    """200 {"status": "ok", "checks": {...}} when every component answers, else 503 with the
    failing ones named. The base view adds never-cache headers and keeps requests non-atomic."""

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        backlog = await sync_to_async(_backlog)()
        named = checks(backlog)
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in named.values()))
        states = {
            name: "ok" if result.error is None else "unavailable"
            for name, result in zip(named, results, strict=True)
        }
        failing = [name for name, state in states.items() if state != "ok"]
        if failing:
            logger.warning("health check failing: %s", ", ".join(failing))
        body: dict[str, Any] = {
            "status": "unavailable" if failing else "ok",
            "checks": states,
            "failing": failing,
        }
        if backlog is not None:
            body["outbox"] = {
                "unsent": backlog.unsent,
                "oldest_age_seconds": round(backlog.oldest_age_seconds, 1),
            }
        return JsonResponse(body, status=503 if failing else 200)


PROBE_PREFIX = "/healthz"
PROBE_ROUTES = frozenset({"healthz", "healthz-live"})  # url names (backend/web/public/urls.py)


class HealthProbeMiddleware:
    """Answers the health routes ahead of every middleware that could turn a probe away.

    A load balancer or Kubernetes probe speaks plain HTTP to the process, with its own Host header
    (often the pod's IP address), and follows no redirect: behind SecurityMiddleware it would get
    301 to https (SECURE_SSL_REDIRECT), behind CommonMiddleware a 400 for a Host outside
    ALLOWED_HOSTS. The health answers carry no links and nothing personal, so neither check
    protects anything here. Placed right after RequestIdMiddleware, so probes keep their id and
    their DEBUG-level access line.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(PROBE_PREFIX):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match is not None and match.url_name in PROBE_ROUTES:
                view = match.func
                if iscoroutinefunction(view):  # as Django's own handler runs an async view under WSGI
                    view = async_to_sync(view)
                response: HttpResponse = view(request, *match.args, **match.kwargs)
                return response
        return self.get_response(request)
