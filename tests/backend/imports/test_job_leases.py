"""Import jobs hold a lease renewed by a heartbeat thread: a job whose worker died is run again by
the frequent sweep; an executor taken over before its rows commit writes none of them."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from backend.imports import engine, services, tasks
from backend.imports.models import ImportJob
from backend.jobs.models import Posting

from .helpers import posting_row
from .test_jobs import make_job


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _lease(job_id: int) -> dt.datetime | None:
    return ImportJob.objects.values_list("lease_expires_at", flat=True).get(pk=job_id)


def _died(job: ImportJob) -> int:
    """A worker claimed the job and died: its heartbeat stopped more than a lease ago."""
    attempt = services._claim(job.pk)
    assert attempt is not None
    ImportJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    return attempt


@pytest.mark.django_db(transaction=True)  # the heartbeat's own connection sees committed rows only
def test_the_heartbeat_renews_an_import_jobs_lease_while_its_file_is_checked(
    tmp_path, admin, employer, settings, monkeypatch
):
    job = make_job(tmp_path, admin, [posting_row(1, employer.external_id)])
    settings.SKILLBRIDGE_JOB_HEARTBEAT_SECONDS = 0.05
    real = engine.Importer.plan_rows
    renewed: list[bool] = []

    def slow(self, table):  # type: ignore[no-untyped-def]
        # Checking a big file takes longer than a heartbeat: the lease moves on meanwhile.
        before, deadline = _lease(job.pk), time.monotonic() + 30
        while _lease(job.pk) == before and time.monotonic() < deadline:
            time.sleep(0.02)
        renewed.append(before is not None and _lease(job.pk) != before)
        return real(self, table)

    monkeypatch.setattr(engine.Importer, "plan_rows", slow)
    done = services.import_job_run(job_id=job.pk)

    assert done is not None
    assert done.status == "succeeded", done.errors
    assert renewed == [True]
    assert (done.attempt, done.lease_expires_at) == (1, None)


@pytest.mark.django_db
def test_an_import_job_whose_worker_died_is_run_again_by_the_frequent_sweep(
    tmp_path, admin, employer, django_capture_on_commit_callbacks
):
    dead = make_job(tmp_path, admin, [posting_row(1, employer.external_id)])
    _died(dead)
    alive = make_job(tmp_path, admin, [posting_row(2, employer.external_id)])
    services._claim(alive.pk)

    with django_capture_on_commit_callbacks(execute=True):  # its task is relayed from the outbox
        assert tasks.resume_expired() == [dead.pk]

    dead.refresh_from_db()
    assert (dead.status, dead.attempt, dead.created_count) == ("succeeded", 2, 1)
    assert ImportJob.objects.get(pk=alive.pk).status == "running"
    assert list(Posting.objects.values_list("external_id", flat=True)) == ["post-imp-1"]
    assert tasks.resume_expired() == []


@pytest.mark.django_db
def test_an_import_executor_taken_over_before_its_rows_commit_writes_none(
    tmp_path, admin, employer, monkeypatch, caplog
):
    job = make_job(tmp_path, admin, [posting_row(1, employer.external_id)])
    real = engine.Importer.plan_rows

    def overtaken(self, table):  # type: ignore[no-untyped-def]
        # While it checked the file, its lease ran out and another executor claimed the job.
        ImportJob.objects.filter(pk=job.pk).update(attempt=F("attempt") + 1)
        return real(self, table)

    monkeypatch.setattr(engine.Importer, "plan_rows", overtaken)

    assert services.import_job_run(job_id=job.pk) is None
    assert f"import job {job.pk}: attempt 1 was taken over; nothing written" in caplog.text
    assert not Posting.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.attempt, job.finished_at) == ("running", 2, None)  # left to its successor


@pytest.mark.django_db
def test_staff_see_an_import_job_whose_worker_died_as_interrupted_and_recovering(tmp_path, admin, employer):
    job = make_job(tmp_path, admin, [posting_row(1, employer.external_id)])
    client = APIClient()
    client.force_authenticate(admin)
    services._claim(job.pk)
    shown = client.get(f"/api/v1/imports/{job.pk}/").json()
    assert (shown["status_label"], shown["interrupted"]) == ("导入中", False)

    ImportJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))

    shown = client.get(f"/api/v1/imports/{job.pk}/").json()
    assert (shown["status"], shown["status_label"], shown["interrupted"]) == (
        "running",
        "已中断，正在恢复",
        True,
    )
    listed = client.get("/api/v1/imports/").json()["results"]
    assert [(j["id"], j["status_label"]) for j in listed] == [(job.pk, "已中断，正在恢复")]
