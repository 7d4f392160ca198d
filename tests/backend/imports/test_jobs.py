from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.utils import timezone

from backend.imports import engine
from backend.imports.models import ImportJob
from backend.imports.services import import_file, import_job_run
from backend.jobs.models import Posting

from .helpers import POSTING_HEADERS, posting_row, write_table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_job(tmp_path, user, rows, **fields):
    path = write_table(tmp_path, "csv", POSTING_HEADERS, rows)
    job = ImportJob(kind="postings", filename="p.csv", created_by=user, **fields)
    job.file.save("p.csv", ContentFile(path.read_bytes()), save=False)
    job.save()
    return job


def test_job_runs_once(tmp_path, admin, employer):
    job = make_job(tmp_path, admin, [posting_row(1, employer.external_id)])
    assert import_job_run(job_id=job.pk).status == "succeeded"
    assert import_job_run(job_id=job.pk) is None  # a second delivery does nothing
    job.refresh_from_db()
    assert (job.row_count, job.created_count, job.updated_count) == (1, 1, 0)


def test_a_stale_running_job_is_claimed_again(tmp_path, admin, employer):
    job = make_job(tmp_path, admin, [posting_row(1, employer.external_id)], status="running")
    assert import_job_run(job_id=job.pk) is None
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert import_job_run(job_id=job.pk).status == "succeeded"


def test_unexpected_failure_marks_the_job_failed(tmp_path, admin, employer, monkeypatch):
    job = make_job(tmp_path, admin, [posting_row(1, employer.external_id)])

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine.Importer, "write", boom)
    job = import_job_run(job_id=job.pk)
    assert job.status == "failed"
    assert [e["code"] for e in job.errors] == ["internal_error"]


def test_a_conflicting_concurrent_write_is_reported_not_raised(tmp_path, admin, employer, monkeypatch):
    def conflict(self, plans):  # another import created the same external id meanwhile
        raise IntegrityError("UNIQUE constraint failed: jobs_posting.external_id")

    monkeypatch.setattr(engine.Importer, "write", conflict)
    path = write_table(tmp_path, "csv", POSTING_HEADERS, [posting_row(1, employer.external_id)])
    result = import_file(path_or_file=path, kind="postings", actor=admin, filename=path.name)
    assert [(e.row, e.code) for e in result.errors] == [(None, "conflict")]
    assert not Posting.objects.filter(external_id="post-imp-1").exists()
