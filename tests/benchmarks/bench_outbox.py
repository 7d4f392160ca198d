"""The time from a broker restart to an empty outbox, for 1,000 changes queued during an outage.
Run on demand against PostgreSQL, Redis and a real worker (started here):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TEST_DATABASE_NAME=test_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \\
    .venv/bin/python -m pytest tests/benchmarks/bench_outbox.py -p no:cacheprovider -o python_files=bench_*.py -s

Two mixes of 1,000 changes, each committed while the broker was unreachable (so each row holds
one failed send): posting edits (1,000 index refreshes, which the relay coalesces into one task
per batch) and 1,000 distinct tasks that cannot be merged (import jobs). "Restart" is the moment
the broker answers again and the relay is sent to the worker; beat sends it within its 15 s period
in production, which comes on top. Prints seconds to an empty outbox, messages/s, and seconds
until the worker has also run what was sent.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from backend.jobs import services as jobs
from backend.outbox import tasks as outbox_tasks
from backend.outbox.models import OutboxMessage
from backend.outbox.services import outbox_enqueue
from search.query import Kind, SearchQuery
from search.services import reset_backend, search_run
from tests import factories as f
from tests.celery_worker import DedicatedWorker, broker_unreachable, real_worker, routed_to, wait_until
from tests.services import need

pytestmark = [pytest.mark.benchmark, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

CHANGES = int(os.environ.get("BENCH_OUTBOX_CHANGES", "1000"))


def _unsent() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def _relay_and_time(worker: DedicatedWorker, done: object) -> tuple[float, float]:
    OutboxMessage.objects.filter(sent_at__isnull=True).update(available_at=timezone.now())  # backoff over
    with real_worker(), routed_to(worker.queue):
        started = time.perf_counter()
        outbox_tasks.relay.delay()
        wait_until(lambda: _unsent() == 0, timeout=300, what="an empty outbox")
        emptied = time.perf_counter() - started
        wait_until(done, timeout=300, what="the worker to run what was sent")  # type: ignore[arg-type]
        finished = time.perf_counter() - started
    return emptied, finished


def test_broker_restart_to_empty_outbox(settings, tmp_path):
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...) shared with a worker")
    settings.SEARCH_FTS5_PATH = str(tmp_path / "search.sqlite3")
    reset_backend()
    admin = f.UserFactory(role="admin")
    admin.save()
    employer = f.EmployerFactory()
    postings = [f.PostingFactory(employer=employer, title=f"电焊工{n}") for n in range(CHANGES)]
    worker = DedicatedWorker(f"bench-outbox-{uuid.uuid4().hex[:8]}", tmp_path, sends_to_own_queue=True)
    print(f"\n{'mix':<22} {'changes':>7} {'queued s':>9} {'to empty s':>10} {'msg/s':>7} {'all run s':>9}")
    try:
        # Mix 1: posting edits, each its own transaction with its index refresh.
        started = time.perf_counter()
        with broker_unreachable():
            for posting in postings:
                jobs.posting_update(actor=admin, posting=posting, data={"title": f"叉车司机{posting.pk}"})
        queued = time.perf_counter() - started
        assert _unsent() == CHANGES
        worker.wait_ready()

        def indexed() -> bool:
            query = SearchQuery(text="叉车司机", kinds=(Kind.JOB,), page_size=1)
            return search_run(query=query).total >= CHANGES

        emptied, finished = _relay_and_time(worker, indexed)
        print(
            f"{'posting edits':<22} {CHANGES:>7} {queued:>9.1f} {emptied:>10.2f} {CHANGES / emptied:>7.0f} {finished:>9.2f}"
        )

        # Mix 2: distinct tasks (import jobs that no longer exist: each is claimed and skipped).
        before = worker.log().count("imports.run_import[")
        started = time.perf_counter()
        with broker_unreachable():
            for n in range(CHANGES):
                outbox_enqueue(task="imports.run_import", args=[10**9 + n])
        queued = time.perf_counter() - started
        assert _unsent() == CHANGES

        def ran() -> bool:
            return worker.log().count("imports.run_import[") - before >= CHANGES  # one line per task run

        emptied, finished = _relay_and_time(worker, ran)
        print(
            f"{'distinct tasks':<22} {CHANGES:>7} {queued:>9.1f} {emptied:>10.2f} {CHANGES / emptied:>7.0f} {finished:>9.2f}"
        )
    except AssertionError:
        print(worker.log()[-3000:], f"\nunsent: {_unsent()}")
        raise
    finally:
        worker.stop()
