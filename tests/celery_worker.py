"""Helpers for tests that run tasks on a real Celery worker over CELERY_BROKER_URL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings

from backend.celery import app
from tests.services import need

ROOT = Path(__file__).resolve().parents[1]


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


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _drop_broker_connections() -> None:
    """Let the next send pick its pool by `app.conf.broker_url` again. (Kombu keeps one pool per
    broker URL for the process, so the real broker's stays open for afterwards.)"""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable() -> Iterator[str]:
    """Tasks are sent (not run eagerly) to a broker URL whose port is closed, for the block's
    duration: every `.delay()` really fails to connect. Yields that URL."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    # Celery reads the publishing URL from this variable before its settings (and CI sets
    # CELERY_BROKER_URL in the environment, which would win over app.conf.broker_url).
    previous = os.environ.get("CELERY_BROKER_WRITE_URL"), app.conf.task_always_eager
    _drop_broker_connections()
    os.environ["CELERY_BROKER_WRITE_URL"], app.conf.task_always_eager = url, False
    try:
        yield url
    finally:
        if previous[0] is None:
            del os.environ["CELERY_BROKER_WRITE_URL"]
        else:
            os.environ["CELERY_BROKER_WRITE_URL"] = previous[0]
        app.conf.task_always_eager = previous[1]
        _drop_broker_connections()


@contextmanager
def routed_to(queue: str) -> Iterator[None]:
    """Every task sent from this process during the block goes to `queue` (a dedicated worker's),
    so the shared CI worker never takes it."""
    previous = app.conf.task_routes
    app.conf.task_routes = {"*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)  # a cached property built from the routes
    try:
        yield
    finally:
        app.conf.task_routes = previous
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)


def _database_url_of_test_database() -> str:
    from django.db import connection

    db = connection.settings_dict
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...) shared with a worker")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class DedicatedWorker:
    """A Celery worker subprocess of this test alone: its own queue and node name, reading the
    test database, the broker and the search index this process uses."""

    def __init__(self, queue: str, log_dir: Path, *, sends_to_own_queue: bool = False) -> None:
        """Starts the process; `wait_ready()` before relying on it (it takes seconds to boot).
        `sends_to_own_queue`: the tasks it sends (e.g. the outbox relay's) go to its queue too."""
        need(broker_reachable(), "a Celery broker at CELERY_BROKER_URL")
        self.queue = queue
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}@%h"
        self.log_path = log_dir / f"{self.name.split('@')[0]}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "backend.settings.test",
            "DATABASE_URL": _database_url_of_test_database(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "SEARCH_FTS5_PATH": str(settings.SEARCH_FTS5_PATH),
        }
        if sends_to_own_queue:
            env["CELERY_TASK_DEFAULT_QUEUE"] = queue
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery), "-A", "backend", "worker", "-Q", queue, "-n", self.name, "--concurrency=1",
                   "--without-gossip", "--without-mingle", "--loglevel=INFO"]  # fmt: skip
        with self.log_path.open("wb") as log:
            # Its own session, so kill() takes the pool's child (which runs the task) down with it.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self) -> None:
        wait_until(self._ready, timeout=90, what=f"the dedicated worker {self.name} to start")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the dedicated worker exited:\n{self.log()[-3000:]}")
        return " ready." in self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9 of the worker and its pool: no warm shutdown, no ack, no cleanup."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def dedicated_workers(*queues: str, log_dir: Path) -> Iterator[list[DedicatedWorker]]:
    """One dedicated worker per queue, started side by side (a worker takes seconds to boot)."""
    workers: list[DedicatedWorker] = []
    try:
        workers.extend(DedicatedWorker(queue, log_dir) for queue in queues)
        for worker in workers:
            worker.wait_ready()
        yield workers
    finally:
        for worker in workers:
            worker.stop()
