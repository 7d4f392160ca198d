"""The upload page and its import jobs: kinds by role; the upload becomes a background job (the
API's ImportJob and task) whose page shows progress, then every bad row, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from backend.accounts.models import User
from backend.imports.models import ImportJob
from tests import factories as f
from tests.backend.imports import hostile
from training.models import Program

pytestmark = pytest.mark.django_db

HEADER = ["外部编号", "机构编号", "项目名称", "职业", "区县代码", "课时", "免费"]


def xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in (HEADER, *rows):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("programs.xlsx", buffer.getvalue())


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def provider():
    return f.ProviderFactory(external_id="prov-yd-001")


@pytest.fixture
def provider_client(client, make_user, provider):
    client.force_login(make_user(role=User.Role.PROVIDER_STAFF, provider=provider))
    return client


def test_anonymous_users_log_in_first(client):
    assert client.get("/manage/imports/")["Location"].startswith("/login/")


def test_workers_get_a_403(worker_client):
    assert worker_client.get("/manage/imports/").status_code == 403


def test_each_role_is_offered_its_own_kinds_and_templates(provider_client, client, make_user):
    html = provider_client.get("/manage/imports/").content.decode()
    assert 'value="programs"' in html
    assert 'value="sessions"' in html
    assert 'value="postings"' not in html
    assert "/api/v1/imports/templates/programs.xlsx" in html

    centre = f.ServiceCentreFactory()
    client.force_login(make_user(role=User.Role.SERVICE_STAFF, service_centre=centre))
    html = client.get("/manage/imports/").content.decode()
    assert 'value="workers"' in html
    assert 'value="postings"' in html
    assert 'value="programs"' not in html


def test_a_good_file_is_imported(provider_client, provider, django_capture_on_commit_callbacks):
    upload = xlsx([["prog-1", "prov-yd-001", "电工培训", "电工", "441881", 60, "是"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/manage/imports/{job.pk}/"
    html = provider_client.get(response["Location"]).content.decode()
    assert "导入成功:共 1 行,新增 1 条" in html
    assert Program.objects.get(external_id="prog-1").provider == provider
    assert f'href="/manage/imports/{job.pk}/"' in provider_client.get("/manage/imports/").content.decode()


def test_bad_rows_are_listed_and_nothing_is_written(provider_client, django_capture_on_commit_callbacks):
    upload = xlsx(
        [
            ["prog-1", "prov-yd-001", "电工培训", "电工", "441881", 60, "是"],
            ["prog-2", "prov-yd-001", "无课时", "电工", "441881", "", "是"],
            ["prog-3", "prov-yd-001", "怪职业", "不存在的工种", "999999", 10, "是"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload})
    response = provider_client.get(response["Location"])  # the job ran once the upload committed
    html = response.content.decode()
    assert response.status_code == 200
    assert "没有写入任何数据" in html
    assert "<td>3</td><td>课时</td>" in html
    assert "<td>4</td><td>职业</td>" in html
    assert "<td>4</td><td>区县代码</td>" in html
    assert not Program.objects.exists()  # the good first row was not written either


def test_the_web_upload_becomes_a_background_job_with_its_progress_page(
    provider_client, django_capture_on_commit_callbacks
):
    """Issue 16: web uploads imported synchronously inside the request. The upload now only stores
    the file and creates the job; the task (a Celery worker, or in-process after the commit in the
    embedded default) imports it while the job page shows its progress."""
    upload = xlsx([["prog-1", "prov-yd-001", "电工培训", "电工", "441881", 60, "是"]])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload})
    job = ImportJob.objects.get()
    assert (job.status, job.kind, job.filename) == ("pending", "programs", "programs.xlsx")
    assert len(callbacks) == 1  # the task is sent after the commit, not run in the request
    assert not Program.objects.exists()

    page = provider_client.get(response["Location"]).content.decode()
    assert "排队等待处理" in page
    assert 'id="import-progress"' in page
    assert "/static/js/import-job.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script (a strict CSP is coming)"
    assert 'http-equiv="refresh"' not in page

    ImportJob.objects.filter(pk=job.pk).update(
        status="running", stage="checking", rows_done=500, rows_total=2000
    )
    assert "已检查 500 / 2000 行" in provider_client.get(response["Location"]).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="pending", stage="", rows_done=0, rows_total=0)

    callbacks[0]()  # the task runs
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.stage) == ("succeeded", 1, 1, "writing")
    page = provider_client.get(response["Location"]).content.decode()
    assert "导入成功:共 1 行,新增 1 条" in page
    assert "import-job.js" not in page


def test_a_blank_formatted_rows_upload_tells_where_the_table_ended(
    provider_client, tmp_path, django_capture_on_commit_callbacks
):
    path = hostile.blank_formatted_rows_xlsx(tmp_path / "blank.xlsx", rows=1_500)
    upload = SimpleUploadedFile("blank.xlsx", path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload})
    response = provider_client.get(response["Location"])  # the job ran once the upload committed
    html = response.content.decode()
    assert "导入成功:共 1 行" in html
    assert "第3行至第1002行都是空行" in html


def test_a_zip_bomb_upload_is_refused_beside_the_file_field_in_under_a_second(provider_client, tmp_path):
    path = hostile.zip_bomb_xlsx(tmp_path / "bomb.xlsx", unpacked_mb=20)
    upload = SimpleUploadedFile("bomb.xlsx", path.read_bytes())
    assert provider_client.get("/manage/imports/").status_code == 200  # the timed request is not the first
    started = time.perf_counter()
    response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload})
    assert time.perf_counter() - started < 1.0
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file_error"' in html
    assert "压缩比" in html
    assert not ImportJob.objects.exists()


def test_a_job_page_is_its_owners_only(provider_client, client, make_user, provider):
    owner = make_user(role=User.Role.PROVIDER_STAFF, provider=provider)
    job = ImportJob.objects.create(kind="programs", filename="a.csv", file="imports/a.csv", created_by=owner)
    assert provider_client.get(f"/manage/imports/{job.pk}/").status_code == 404
    client.force_login(owner)
    assert client.get(f"/manage/imports/{job.pk}/").status_code == 200
    assert client.get("/manage/imports/987654/").status_code == 404


def test_an_import_whose_worker_died_shows_interrupted_and_recovering_not_running(
    client, make_user, provider
):
    owner = make_user(role=User.Role.PROVIDER_STAFF, provider=provider)
    lapsed = timezone.now() - dt.timedelta(seconds=1)
    job = ImportJob.objects.create(
        kind="programs", filename="a.csv", file="imports/a.csv", created_by=owner,
        status=ImportJob.Status.RUNNING, attempt=1, lease_expires_at=lapsed,
    )  # fmt: skip
    client.force_login(owner)
    page = client.get(f"/manage/imports/{job.pk}/").content.decode()
    assert "已中断，正在恢复" in page
    assert "status-interrupted" in page


def test_a_missing_file_or_wrong_format_is_told_beside_the_field(provider_client):
    response = provider_client.post("/manage/imports/", {"kind": "programs"})
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()

    upload = SimpleUploadedFile("programs.txt", b"hello")
    response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file_error"' in html
    assert 'value="programs" selected' in html


def test_a_kind_the_role_may_not_import_is_refused(provider_client):
    upload = xlsx([])
    response = provider_client.post("/manage/imports/", {"kind": "workers", "file": upload})
    assert response.status_code == 400
    assert 'id="id_kind_error"' in response.content.decode()
