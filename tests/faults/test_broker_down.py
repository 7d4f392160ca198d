"""The broker is unreachable: writes through the API still succeed (a committed write is never
reported as failed), and once it is back the sweeps catch up: the index finds the new and the
edited posting, the batch run and the import that were started meanwhile are done."""

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
from backend.jobs.models import Posting
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


@dataclass
class Outage:
    created: int  # a posting created and published during the outage
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


def _writes_during_an_outage(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Outage:
    employer = f.EmployerFactory(contact_phone="13812345678")
    edited = f.PostingFactory(employer=employer, title="仓库管理员")
    index_refresh(kind=Kind.JOB, ids=[edited.pk])
    f.WorkerProfileFactory(current_division=employer.county)
    client = APIClient()
    client.force_authenticate(f.UserFactory(role=User.Role.ADMIN))
    csv = write_table(tmp_path, "csv", POSTING_HEADERS, [posting_row(1, employer.external_id)])
    body = {"employer": employer.pk, "title": "叉车司机", "occupation": f.occupation().slug,
            "headcount": 3, "wage_min": 4000, "wage_max": 6000}  # fmt: skip
    timings = []

    def timed(method: str, url: str, data: object, expected: int, **kwargs: object) -> dict:
        started = time.monotonic()
        response = getattr(client, method)(url, data, **kwargs)
        timings.append(time.monotonic() - started)
        assert response.status_code == expected, response.content
        return response.json()

    with broker_unreachable(), caplog.at_level(logging.WARNING, logger="backend.common.dispatch"):
        created = timed("post", "/api/v1/postings/", body, 201, format="json")["id"]
        timed("post", f"/api/v1/postings/{created}/publish/", {}, 200, format="json")
        timed("patch", f"/api/v1/postings/{edited.pk}/", {"title": "电焊工"}, 200, format="json")
        run = timed("post", "/api/v1/matching/runs/", {"kind": "both"}, 202, format="json")["id"]
        upload = SimpleUploadedFile("p.csv", csv.read_bytes())
        job = timed("post", "/api/v1/imports/", {"kind": "postings", "file": upload}, 202)["id"]

    warned = [r.getMessage() for r in caplog.records if r.name == "backend.common.dispatch"]
    assert {m.split(", ")[1].split()[0] for m in warned} == {
        "search.refresh_index", "matching.execute_run", "imports.run_import",
    }  # fmt: skip
    assert not any("138" in m for m in warned)
    assert max(timings) < MAX_SECONDS_PER_WRITE, timings
    # The writes are committed; no task ran.
    assert Posting.objects.get(pk=created).status == Posting.Status.PUBLISHED
    assert Posting.objects.get(pk=edited.pk).title == "电焊工"
    assert MatchingRun.objects.get(pk=run).status == MatchingRun.Status.PENDING
    assert ImportJob.objects.get(pk=job).status == ImportJob.Status.PENDING
    # Their sweeps re-send what is still pending a while later; this is later.
    earlier = timezone.now() - dt.timedelta(minutes=5)
    MatchingRun.objects.filter(pk=run).update(updated_at=earlier)
    ImportJob.objects.filter(pk=job).update(updated_at=earlier)
    return Outage(created=created, edited=edited.pk, run=run, job=job, slowest=max(timings))


def _found(text: str) -> set[int]:
    response = APIClient().get("/api/v1/search/", {"q": text, "kind": "job"})
    assert response.status_code == 200, response.content
    return {hit["id"] for hit in response.json()["hits"]}


def _caught_up(outage: Outage) -> bool:
    return (
        outage.created in _found("叉车司机")
        and outage.edited in _found("电焊工")
        and outage.edited not in _found("仓库管理员")
        and MatchingRun.objects.get(pk=outage.run).status == MatchingRun.Status.SUCCEEDED
        and ImportJob.objects.get(pk=outage.job).status == ImportJob.Status.SUCCEEDED
    )


@pytest.mark.django_db(transaction=True)
def test_writes_succeed_while_the_broker_is_down_and_the_sweeps_catch_up(index, tmp_path, caplog):
    outage = _writes_during_an_outage(tmp_path, caplog)
    assert outage.created not in _found("叉车司机")

    # The broker is back (here: tasks run in-process); the periodic sweeps run.
    search_tasks.sweep()
    matching_tasks.sweep()
    import_tasks.sweep()

    assert _caught_up(outage)
    assert ImportJob.objects.get(pk=outage.job).created_count == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_after_an_outage_real_workers_catch_up(index, tmp_path, caplog):
    # A worker of this test's own reads this test's search index; it boots during the outage.
    search_worker = DedicatedWorker(f"fault-search-{uuid.uuid4().hex[:8]}", tmp_path)
    try:
        outage = _writes_during_an_outage(tmp_path, caplog)
        search_worker.wait_ready()
        with real_worker():
            # Beat sends the sweeps: the search one to this test's worker, the others to the
            # shared worker, which then runs the batch run and the import they re-send.
            with routed_to(search_worker.queue):
                search_tasks.sweep.delay()
            matching_tasks.sweep.delay()
            import_tasks.sweep.delay()
            wait_until(lambda: _caught_up(outage), what="the sweeps and the workers to catch up")
    finally:
        search_worker.stop()
    assert ImportJob.objects.get(pk=outage.job).created_count == 1
