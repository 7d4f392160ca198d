"""Helpers for tests that run tasks on a real Celery worker over CELERY_BROKER_URL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

from backend.celery import app
from tests.services import need


def broker_reachable() -> bool:
    if not settings.CELERY_BROKER_URL:
        return False
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@contextmanager
def real_worker() -> Iterator[None]:
    """Send tasks to the broker instead of running them in-process, for the block's duration."""
    need(broker_reachable(), "a Celery broker at CELERY_BROKER_URL and a worker (see .ci/run)")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def wait_until(condition: Callable[[], bool], *, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (is a Celery worker running?)")
