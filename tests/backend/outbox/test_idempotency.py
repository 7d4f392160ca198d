"""`Idempotency-Key` on API creates: a client's retry gets the first answer instead of a duplicate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.jobs.models import Posting
from backend.outbox.models import IdempotencyRecord
from matching.models import MatchingRun
from tests import factories as f

from .test_services import posting_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/postings/"


def client_for(user: User) -> APIClient:
    user.save()
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin() -> User:
    return f.UserFactory(role=User.Role.ADMIN)


@pytest.fixture
def employer():
    return f.EmployerFactory()


def post(client: APIClient, body: dict, key: str | None, url: str = URL):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, body, format="json", headers=headers)


def test_a_retry_with_the_same_key_replays_the_first_answer_and_creates_nothing(admin, employer):
    client = client_for(admin)
    first = post(client, posting_body(employer), "retry-1")
    again = post(client, posting_body(employer), "retry-1")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Posting.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.request, record.status_code) == (admin, "POST /api/v1/postings/", 201)


def test_a_retry_without_a_key_creates_a_duplicate_as_before(admin, employer):
    client = client_for(admin)
    post(client, posting_body(employer), None)
    post(client, posting_body(employer), None)
    assert Posting.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_the_same_key_with_another_body_is_refused_with_422(admin, employer):
    client = client_for(admin)
    post(client, posting_body(employer), "k")
    other = post(client, posting_body(employer, title="电焊工"), "k")

    assert other.status_code == 422, other.content
    assert other.json()["code"] == "idempotency_key_reused"
    assert Posting.objects.count() == 1


def test_the_same_key_on_another_path_is_refused_with_422(admin, employer):
    client = client_for(admin)
    post(client, posting_body(employer), "k")
    other = post(client, posting_body(employer), "k", url="/api/v1/programs/")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_keys_are_per_user(admin, employer):
    post(client_for(admin), posting_body(employer), "shared")
    post(client_for(f.UserFactory(role=User.Role.ADMIN)), posting_body(employer), "shared")
    assert Posting.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "键", "tab\there"])
def test_a_key_that_is_not_1_to_255_printable_ascii_is_a_400_on_the_header(admin, employer, key):
    response = post(client_for(admin), posting_body(employer), key)
    assert response.status_code == 400, response.content
    assert response.json()["fields"]["Idempotency-Key"][0]["code"] == "invalid_idempotency_key"
    assert not Posting.objects.exists()


def test_a_255_character_key_is_accepted(admin, employer):
    assert post(client_for(admin), posting_body(employer), "~" * 255).status_code == 201


def test_a_refused_write_leaves_no_record_and_its_corrected_retry_runs(admin, employer):
    client = client_for(admin)
    bad = post(client, {**posting_body(employer), "wage_min": 9000}, "fix-me")  # above wage_max
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()

    fixed = post(client, posting_body(employer), "fix-me")
    assert fixed.status_code == 201
    assert Posting.objects.count() == 1


def test_a_key_is_forgotten_after_24_hours(admin, employer):
    client = client_for(admin)
    post(client, posting_body(employer), "old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert post(client, posting_body(employer, title="电焊工"), "old").status_code == 201
    assert Posting.objects.count() == 2


def test_a_retried_matching_run_start_replays_instead_of_409(
    admin, settings, tmp_path, fresh_matching_engine
):
    client = client_for(admin)
    first = post(client, {"kind": "job"}, "run-1", url="/api/v1/matching/runs/")
    again = post(client, {"kind": "job"}, "run-1", url="/api/v1/matching/runs/")
    assert first.status_code == again.status_code == 202, (first.content, again.content)
    assert again.json()["id"] == first.json()["id"]
    assert MatchingRun.objects.count() == 1


def test_a_retried_upload_of_the_same_file_replays_and_another_file_is_refused(
    admin, employer, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from backend.imports.models import ImportJob
    from tests.backend.imports.helpers import POSTING_HEADERS, posting_row, write_table

    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(admin)
    csv = write_table(tmp_path, "csv", POSTING_HEADERS, [posting_row(1, employer.external_id)]).read_bytes()

    def upload(content: bytes):
        body = {"kind": "postings", "file": SimpleUploadedFile("p.csv", content)}
        return client.post("/api/v1/imports/", body, headers={"Idempotency-Key": "upload-1"})

    first, again = upload(csv), upload(csv)
    assert first.status_code == again.status_code == 202, first.content
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    assert ImportJob.objects.count() == 1
    assert upload(csv + b"\n").status_code == 422


CREATES = {
    "v1_postings_create", "v1_programs_create", "v1_sessions_create", "v1_employers_create",
    "v1_applications_create", "v1_enrolments_create", "v1_workers_create", "v1_imports_create",
    "v1_matching_runs_create", "v1_providers_create",
}  # fmt: skip


def test_the_schema_documents_the_header_on_each_create_and_nowhere_else():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = set()
    for item in schema["paths"].values():
        for operation in item.values():
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
            if "Idempotency-Key" in names:
                documented.add(operation["operationId"])
                assert "422" in operation["responses"]
                success = next(r for code, r in operation["responses"].items() if code.startswith("2"))
                assert "Idempotent-Replayed" in success["headers"]
    assert documented == CREATES
