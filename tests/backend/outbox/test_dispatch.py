"""Batch runs and import jobs started while the broker is down are sent from the outbox once it
is back: by the relay, at once, not by a sweep minutes later."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.imports.models import ImportJob
from backend.outbox.models import OutboxMessage
from matching.models import MatchingRun
from tests import factories as f
from tests.backend.imports.helpers import POSTING_HEADERS, posting_row, write_table
from tests.celery_worker import broker_unreachable

from .test_services import make_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, fresh_matching_engine):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_FTS5_PATH = str(tmp_path / "search.sqlite3")


def test_runs_and_imports_started_during_an_outage_do_not_stay_pending(
    tmp_path, django_capture_on_commit_callbacks
):
    admin = f.UserFactory(role=User.Role.ADMIN)
    admin.save()
    employer = f.EmployerFactory()
    f.WorkerProfileFactory(current_division=employer.county)
    client = APIClient()
    client.force_authenticate(admin)
    csv = write_table(tmp_path, "csv", POSTING_HEADERS, [posting_row(1, employer.external_id)])

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        run = client.post("/api/v1/matching/runs/", {"kind": "both"}, format="json")
        job = client.post(
            "/api/v1/imports/", {"kind": "postings", "file": SimpleUploadedFile("p.csv", csv.read_bytes())}
        )

    assert (run.status_code, job.status_code) == (202, 202), (run.content, job.content)
    assert MatchingRun.objects.get(pk=run.json()["id"]).status == MatchingRun.Status.PENDING
    assert ImportJob.objects.get(pk=job.json()["id"]).status == ImportJob.Status.PENDING
    waiting = sorted(OutboxMessage.objects.filter(sent_at__isnull=True).values_list("task", "args"))
    assert waiting == [
        ("imports.run_import", [job.json()["id"]]),
        ("matching.execute_run", [run.json()["id"]]),
    ]

    # The broker is back: the next relay (beat, every 15 s) sends them; no sweep is needed.
    make_due()
    from backend.outbox.services import outbox_relay

    with django_capture_on_commit_callbacks(execute=True):
        outbox_relay()

    assert MatchingRun.objects.get(pk=run.json()["id"]).status == MatchingRun.Status.SUCCEEDED
    finished = ImportJob.objects.get(pk=job.json()["id"])
    assert (finished.status, finished.created_count) == (ImportJob.Status.SUCCEEDED, 1)
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
