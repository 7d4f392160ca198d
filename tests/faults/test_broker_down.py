"""The broker is unreachable: writes through the API still succeed (a committed write is never
reported as failed, its tasks wait in the outbox), a client's retry with its Idempotency-Key
creates nothing twice, and once the broker is back the outbox relay sends everything: the index
finds the new and the edited postings, the batch run and the import started meanwhile are done.
The periodic sweeps stay as the second line of defence, for work whose outbox row was lost."""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.imports import tasks as import_tasks
from backend.imports.models import ImportJob
from backend.jobs.models import Employer, Posting
from backend.outbox import tasks as outbox_tasks
from backend.outbox.models import OutboxMessage
from backend.outbox.services import outbox_relay
from matching import tasks as matching_tasks
from matching.models import MatchingRun
from search import tasks as search_tasks
from search.query import Kind
from search.services import index_refresh, reset_backend
from tests import factories as f
from tests.backend.imports.helpers import POSTING_HEADERS, posting_row, write_table
from tests.celery_worker import DedicatedWorker, broker_unreachable, real_worker, routed_to, wait_until

# Generous for a loaded CI machine; a refused port costs ~0.2 s, a silent broker ~3 s.
MAX_SECONDS_PER_WRITE = 10
MANY = 100


@dataclass
class Outage:
    created: list[int]  # postings created and published during the outage
    edited: int  # an indexed posting renamed 仓库管理员 → 电焊工 during the outage
    run: int
    job: int
    slowest: float


@pytest.fixture
def index(settings, tmp_path):
    settings.SEARCH_FTS5_PATH = str(tmp_path / "search.sqlite3")
    reset_backend()
    yield
    reset_backend()


def _body(employer: Employer, n: int) -> dict[str, object]:
    return {"employer": employer.pk, "title": f"叉车司机{n:03d}号", "occupation": f.occupation().slug,
            "headcount": 3, "wage_min": 4000, "wage_max": 6000}  # fmt: skip


def _writes_during_an_outage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, *, postings: int = 1, retry: bool = False
) -> Outage:
    employer = f.EmployerFactory(contact_phone="13812345678")
    edited = f.PostingFactory(employer=employer, title="仓库管理员")
    index_refresh(kind=Kind.JOB, ids=[edited.pk])
    f.WorkerProfileFactory(current_division=employer.county)
    admin = f.UserFactory(role=User.Role.ADMIN)
    admin.save()
    client = APIClient()
    client.force_authenticate(admin)
    csv = write_table(tmp_path, "csv", POSTING_HEADERS, [posting_row(1, employer.external_id)])
    timings = []

    def timed(method: str, url: str, data: object, expected: int, **kwargs: object):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        response = getattr(client, method)(url, data, **kwargs)
        timings.append(time.monotonic() - started)
        assert response.status_code == expected, response.content
        return response

    created = []
    with broker_unreachable(), caplog.at_level(logging.WARNING, logger="backend.outbox.services"):
        for n in range(postings):
            key = {"Idempotency-Key": f"posting-{n}-{uuid.uuid4().hex}"}
            first = timed("post", "/api/v1/postings/", _body(employer, n), 201, format="json", headers=key)
            if retry:  # the client never saw the answer and sends the same request again
                again = timed(
                    "post", "/api/v1/postings/", _body(employer, n), 201, format="json", headers=key
                )
                assert again["Idempotent-Replayed"] == "true"
                assert again.json() == first.json()
            created.append(first.json()["id"])
            timed("post", f"/api/v1/postings/{created[-1]}/publish/", {}, 200, format="json")
        timed("patch", f"/api/v1/postings/{edited.pk}/", {"title": "电焊工"}, 200, format="json")
        run = timed("post", "/api/v1/matching/runs/", {"kind": "both"}, 202, format="json").json()["id"]
        upload = SimpleUploadedFile("p.csv", csv.read_bytes())
        job = timed("post", "/api/v1/imports/", {"kind": "postings", "file": upload}, 202).json()["id"]

    warned = [r.getMessage() for r in caplog.records if r.name == "backend.outbox.services"]
    assert {"search.refresh_index", "matching.execute_run", "imports.run_import"} <= {
        name for m in warned for name in m.split("(")[-1].rstrip(")").split(", ")
    }
    assert not any("138" in m for m in warned)
    assert max(timings) < MAX_SECONDS_PER_WRITE, timings
    # The writes are committed, once each; no task ran; each waits in the outbox.
    assert Posting.objects.filter(employer=employer).count() == postings + 1
    assert set(Posting.objects.filter(pk__in=created).values_list("status", flat=True)) == {
        Posting.Status.PUBLISHED
    }
    assert Posting.objects.get(pk=edited.pk).title == "电焊工"
    assert MatchingRun.objects.get(pk=run).status == MatchingRun.Status.PENDING
    assert ImportJob.objects.get(pk=job).status == ImportJob.Status.PENDING
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert set(waiting.values_list("task", flat=True)) == {
        "search.refresh_index", "matching.execute_run", "imports.run_import",
    }  # fmt: skip
    assert not waiting.filter(attempts=0).exists()
    return Outage(created=created, edited=edited.pk, run=run, job=job, slowest=max(timings))


def _backoff_elapsed() -> None:
    """The rows' retry time has come (5 s after the failed send; here: now)."""
    OutboxMessage.objects.filter(sent_at__isnull=True).update(available_at=timezone.now())


def _found(text: str) -> set[int]:
    found: set[int] = set()
    for page in range(1, 10):  # 50 a page
        response = APIClient().get(
            "/api/v1/search/", {"q": text, "kind": "job", "page_size": 50, "page": page}
        )
        assert response.status_code == 200, response.content
        hits = response.json()["hits"]
        found |= {hit["id"] for hit in hits}
        if len(hits) < 50:
            break
    return found


def _caught_up(outage: Outage) -> bool:
    return (
        set(outage.created) <= _found("叉车司机")
        and outage.edited in _found("电焊工")
        and outage.edited not in _found("仓库管理员")
        and MatchingRun.objects.get(pk=outage.run).status == MatchingRun.Status.SUCCEEDED
        and ImportJob.objects.get(pk=outage.job).status == ImportJob.Status.SUCCEEDED
    )


@pytest.mark.django_db(transaction=True)
def test_writes_succeed_while_the_broker_is_down_and_the_relay_catches_up(index, tmp_path, caplog):
    outage = _writes_during_an_outage(tmp_path, caplog, retry=True)
    assert not set(outage.created) & _found("叉车司机")

    # The broker is back (here: tasks run in-process); the beat relay runs. No sweep.
    _backoff_elapsed()
    outbox_relay()

    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert _caught_up(outage)
    assert ImportJob.objects.get(pk=outage.job).created_count == 1


@pytest.mark.django_db(transaction=True)
def test_the_sweeps_still_catch_up_when_the_outbox_rows_are_lost(index, tmp_path, caplog):
    outage = _writes_during_an_outage(tmp_path, caplog)
    OutboxMessage.objects.all().delete()  # e.g. restored from a backup taken before they were written
    earlier = timezone.now() - dt.timedelta(minutes=5)  # the sweeps re-send what is pending a while
    MatchingRun.objects.filter(pk=outage.run).update(updated_at=earlier)
    ImportJob.objects.filter(pk=outage.job).update(updated_at=earlier)

    search_tasks.sweep()
    matching_tasks.sweep()
    import_tasks.sweep()

    assert _caught_up(outage)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_100_postings_created_while_the_broker_is_down_are_all_indexed_once_it_is_back(
    postgres, index, tmp_path, caplog
):
    # A worker of this test's own reads this test's search index and sends what its relay sends
    # to itself; it boots during the outage.
    worker = DedicatedWorker(f"fault-outbox-{uuid.uuid4().hex[:8]}", tmp_path, sends_to_own_queue=True)
    try:
        outage = _writes_during_an_outage(tmp_path, caplog, postings=MANY, retry=True)
        assert Posting.objects.filter(pk__in=outage.created).count() == MANY  # no duplicate
        worker.wait_ready()
        _backoff_elapsed()
        with real_worker(), routed_to(worker.queue):
            # Beat sends the relay; the worker relays the outbox and runs what it sent.
            outbox_tasks.relay.delay()
            wait_until(
                lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(),
                what="the relay on the worker to empty the outbox",
            )
            wait_until(lambda: _caught_up(outage), timeout=120, what="the worker to run what the relay sent")
    finally:
        worker.stop()
    assert ImportJob.objects.get(pk=outage.job).created_count == 1
    assert "outbox.relay" in worker.log()
