"""The upload page: kinds by role, every bad row listed, all-or-nothing through import_file."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from backend.accounts.models import User
from tests import factories as f
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


def test_a_good_file_is_imported(provider_client, provider):
    upload = xlsx([["prog-1", "prov-yd-001", "电工培训", "电工", "441881", 60, "是"]])
    response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload}, follow=True)
    assert "导入成功:共 1 行,新增 1 条" in response.content.decode()
    assert Program.objects.get(external_id="prog-1").provider == provider


def test_bad_rows_are_listed_and_nothing_is_written(provider_client):
    upload = xlsx(
        [
            ["prog-1", "prov-yd-001", "电工培训", "电工", "441881", 60, "是"],
            ["prog-2", "prov-yd-001", "无课时", "电工", "441881", "", "是"],
            ["prog-3", "prov-yd-001", "怪职业", "不存在的工种", "999999", 10, "是"],
        ]
    )
    response = provider_client.post("/manage/imports/", {"kind": "programs", "file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "没有写入任何数据" in html
    assert "<td>3</td><td>课时</td>" in html
    assert "<td>4</td><td>职业</td>" in html
    assert "<td>4</td><td>区县代码</td>" in html
    assert not Program.objects.exists()  # the good first row was not written either


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
