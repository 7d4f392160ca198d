from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.imports.models import ImportJob
from backend.jobs.models import Posting
from tests.factories import UserFactory

from .helpers import POSTING_HEADERS, posting_row, write_table

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def upload(tmp_path, rows, name="postings.xlsx"):
    fmt = name.rsplit(".", 1)[1]
    path = write_table(tmp_path, fmt, POSTING_HEADERS, rows, name=name.rsplit(".", 1)[0])
    return SimpleUploadedFile(name, path.read_bytes())


def test_upload_returns_202_and_status_shows_success(
    tmp_path, employer_staff, employer, django_capture_on_commit_callbacks
):
    client = client_for(employer_staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            URL, {"kind": "postings", "file": upload(tmp_path, [posting_row(1, employer.external_id)])}
        )
    assert response.status_code == 202, response.json()
    # The upload writes the import's outbox row with the job and relays it on commit; the import,
    # once written, relays its search re-index the same way.
    assert len(callbacks) == 2
    body = response.json()
    assert body["status_url"].endswith(f"{URL}{body['id']}/")
    assert response["Location"] == body["status_url"]

    status = client.get(f"{URL}{body['id']}/").json()
    assert (status["status"], status["row_count"], status["created_count"], status["errors"]) == (
        "succeeded",
        1,
        1,
        [],
    )
    assert Posting.objects.filter(external_id="post-imp-1", employer=employer).exists()
    job = ImportJob.objects.get(pk=body["id"])
    assert job.file.name.startswith("imports/")
    assert job.filename == "postings.xlsx"
    assert job.created_by == employer_staff
    assert job.finished_at is not None


def test_failed_import_lists_errors(tmp_path, employer_staff, employer, django_capture_on_commit_callbacks):
    rows = [posting_row(1, employer.external_id), posting_row(2, employer.external_id, 职业="宇航员")]
    client = client_for(employer_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"kind": "postings", "file": upload(tmp_path, rows, "p.csv")})
    assert response.status_code == 202
    status = client.get(response.json()["status_url"]).json()
    assert status["status"] == "failed"
    assert status["created_count"] == 0
    assert status["error_count"] == 1
    assert status["errors"] == [
        {"row": 3, "column": "职业", "code": "unknown_occupation", "message": "未找到职业「宇航员」。"}
    ]
    assert not Posting.objects.filter(external_id__startswith="post-imp-").exists()


def test_status_only_for_the_owner_or_an_admin(
    tmp_path, employer_staff, employer, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = (
            client_for(employer_staff)
            .post(URL, {"kind": "postings", "file": upload(tmp_path, [posting_row(1, employer.external_id)])})
            .json()["id"]
        )
    stranger = UserFactory(role=User.Role.EMPLOYER_STAFF, employer=employer)
    response = client_for(stranger).get(f"{URL}{job_id}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client_for(admin).get(f"{URL}{job_id}/").status_code == 200
    assert [j["id"] for j in client_for(employer_staff).get(URL).json()["results"]] == [job_id]
    assert client_for(stranger).get(URL).json()["results"] == []


def test_upload_refused_without_rights_or_with_a_bad_file(tmp_path, employer, provider_staff):
    def file():
        return upload(tmp_path, [posting_row(1, employer.external_id)])

    assert client_for(None).post(URL, {"kind": "postings", "file": file()}).status_code in (401, 403)
    worker = UserFactory(role=User.Role.WORKER)
    response = client_for(worker).post(URL, {"kind": "postings", "file": file()})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    response = client_for(provider_staff).post(URL, {"kind": "postings", "file": file()})
    assert response.status_code == 403
    response = client_for(provider_staff).post(
        URL, {"kind": "programs", "file": SimpleUploadedFile("a.xls", b"x")}
    )
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0]["code"] == "unsupported_format"
    response = client_for(provider_staff).post(URL, {"kind": "courses", "file": file()})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]
    with override_settings(IMPORT_MAX_FILE_BYTES=10):
        response = client_for(provider_staff).post(
            URL, {"kind": "programs", "file": SimpleUploadedFile("a.csv", b"x" * 11)}
        )
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0]["code"] == "file_too_large"
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("kind", ["programs", "sessions", "postings", "workers", "employers", "providers"])
def test_template_download_opens_with_the_header_row(kind):
    from backend.imports.templates import template_headers

    response = APIClient().get(f"{URL}templates/{kind}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert list(header) == template_headers(kind)
    assert "外部编号" in header

    csv_response = APIClient().get(f"{URL}templates/{kind}.csv")
    assert csv_response.status_code == 200
    assert csv_response.content.decode("utf-8-sig").strip().split(",") == template_headers(kind)
    assert APIClient().get(f"{URL}templates/{kind}.pdf").status_code == 404


def test_a_filled_in_template_imports(tmp_path, admin, employer):
    from backend.imports.services import import_file
    from backend.imports.templates import template_xlsx

    workbook = load_workbook(io.BytesIO(template_xlsx("postings")))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    values = {"外部编号": "post-t-1", "单位编号": employer.external_id, "岗位名称": "普工", "职业": "普工",
              "招聘人数": 3, "月薪下限": 4000, "月薪上限": 5000}  # fmt: skip
    sheet.append([values.get(h) for h in headers])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    result = import_file(path_or_file=path, kind="postings", actor=admin, filename=path.name)
    assert result.ok, result.errors
