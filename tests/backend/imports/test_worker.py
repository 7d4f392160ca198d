"""An uploaded file is imported by a real Celery worker reading the same database and media."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.imports.models import ImportJob
from backend.jobs.models import Posting
from tests.celery_worker import real_worker, wait_until
from tests.factories import EmployerFactory, UserFactory

from .helpers import POSTING_HEADERS, posting_row, write_table


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_upload_is_imported_by_a_real_worker(tmp_path):
    employer = EmployerFactory()
    client = APIClient()
    client.force_authenticate(UserFactory(role=User.Role.ADMIN))
    path = write_table(
        tmp_path, "csv", POSTING_HEADERS, [posting_row(n, employer.external_id) for n in (1, 2, 3)]
    )
    with real_worker():
        response = client.post(
            "/api/v1/imports/", {"kind": "postings", "file": SimpleUploadedFile("p.csv", path.read_bytes())}
        )
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        wait_until(
            lambda: (
                ImportJob.objects.get(pk=job_id).status
                in (ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED)
            ),
            what="the worker to finish the import",
        )
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert Posting.objects.filter(employer=employer).count() == 3
    assert client.get(f"/api/v1/imports/{job_id}/").json()["created_count"] == 3


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_web_upload_is_imported_by_a_real_worker_not_in_the_request(tmp_path):
    """Issue 16: the upload page imported inside the request. It now answers with the job's page
    at once; the worker imports the file, and the same page then shows the result."""
    employer = EmployerFactory()
    user = UserFactory(role=User.Role.ADMIN)
    user.save()
    web = Client()
    web.force_login(user)
    path = write_table(
        tmp_path, "csv", POSTING_HEADERS, [posting_row(n, employer.external_id) for n in (1, 2, 3)]
    )
    with real_worker():
        response = web.post(
            "/manage/imports/", {"kind": "postings", "file": SimpleUploadedFile("p.csv", path.read_bytes())}
        )
        assert response.status_code == 302
        job = ImportJob.objects.get()
        assert response["Location"] == f"/manage/imports/{job.pk}/"
        wait_until(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.SUCCEEDED,
            what="the worker to finish the web upload's import",
        )
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert "导入成功:共 3 行,新增 3 条" in web.get(response["Location"]).content.decode()
