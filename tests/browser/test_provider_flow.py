"""A training provider on a phone: create a program, publish it, find it on /search/; then upload a
spreadsheet with bad rows and see every error with its row number, nothing written."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from backend.accounts.models import User
from backend.imports.models import ImportJob
from search.services import index_rebuild, reset_backend
from tests import factories as f
from training.models import Program

from .conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def empty_index(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SEARCH_FTS5_PATH = str(tmp_path / "provider-search.sqlite3")
    reset_backend()
    index_rebuild()
    yield
    reset_backend()


@pytest.fixture
def provider_user(db):  # type: ignore[no-untyped-def]
    provider = f.ProviderFactory(external_id="prov-yd-001", name="英德市技工学校")
    user = f.UserFactory(
        username="school", role=User.Role.PROVIDER_STAFF, provider=provider, display_name="李老师"
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def bad_programs_xlsx() -> bytes:
    """Row 2 is fine, row 3 lacks its hours, row 4 names an unknown occupation and county."""
    book = Workbook()
    sheet = book.active
    for row in (
        ["外部编号", "机构编号", "项目名称", "职业", "区县代码", "课时", "免费"],
        ["prog-ok", "prov-yd-001", "电工培训", "电工", "441881", 60, "是"],
        ["prog-no-hours", "prov-yd-001", "无课时", "电工", "441881", None, "是"],
        ["prog-bad", "prov-yd-001", "怪职业", "不存在的工种", "999999", 10, "是"],
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill_program(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("项目名称").fill(title)
    page.get_by_label("培训品牌").select_option(label="粤菜师傅")
    page.get_by_label("职业(工种)").select_option(label="中式烹调师")
    page.get_by_label("培训地点(区县)").select_option(value="441881")
    page.get_by_label("课时").fill("80")


def test_provider_creates_publishes_and_finds_a_program(page, empty_index, provider_user):
    log_in(page, provider_user)
    page.get_by_role("link", name="我的培训项目").click()
    page.get_by_role("link", name="新建培训项目").click()

    fill_program(page, "粤菜师傅速成班")
    page.get_by_label("费用(元)").fill("300")
    page.get_by_label("免费", exact=True).check()
    page.get_by_role("button", name="保存").click()
    # Refused beside the field, with everything typed kept and focus on the summary.
    assert "免费项目的费用应为0" in page.locator("#id_fee_error").inner_text()
    assert page.get_by_label("项目名称").input_value() == "粤菜师傅速成班"
    assert page.evaluate("document.activeElement.id") == "error-summary"

    page.get_by_label("费用(元)").fill("0")
    page.get_by_role("button", name="刀工").click()  # the occupation's skills, tap to add
    assert page.get_by_label("所授技能").input_value() == "刀工"
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/provider/programs/")
    assert page.get_by_role("status").inner_text().startswith("培训项目已保存")

    page.get_by_role("button", name="发布 粤菜师傅速成班").click()
    assert "已发布" in page.get_by_role("status").inner_text()
    program = Program.objects.get(title="粤菜师傅速成班")
    assert program.status == Program.Status.PUBLISHED

    page.goto("/search/?q=粤菜师傅速成班")
    assert "粤菜师傅速成班" in page.locator("a.result-link").all_inner_texts()


def test_provider_uploads_a_bad_spreadsheet_and_sees_each_row(page, empty_index, provider_user):
    log_in(page, provider_user)
    page.get_by_role("link", name="批量导入").click()
    page.get_by_label("导入什么").select_option("programs")
    page.get_by_label("表格文件").set_input_files(
        {"name": "培训项目.xlsx", "mimeType": "application/octet-stream", "buffer": bad_programs_xlsx()}
    )
    page.get_by_role("button", name="上传并导入").click()

    summary = page.locator("#error-summary")
    assert "没有写入任何数据" in summary.inner_text()
    rows = [
        [cell.strip() for cell in row.split("\t")]
        for row in page.locator("table.row-errors tbody tr").all_inner_texts()
    ]
    assert rows[0][:2] == ["3", "课时"]
    assert {"4"} == {row[0] for row in rows[1:]}
    assert {"职业", "区县代码"} <= {row[1] for row in rows[1:]}
    assert not Program.objects.exists()  # the good row 2 was not written either
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_the_import_job_page_follows_a_running_import_to_its_result(page, empty_index, provider_user):
    """static/js/import-job.js: the counts follow the job (polling the API), and the page reloads
    once with the result when the job finishes."""
    job = ImportJob.objects.create(
        kind="programs", filename="培训项目.xlsx", file="imports/p.xlsx", created_by=provider_user,
        status="running", stage="checking", rows_done=500, rows_total=2000,
    )  # fmt: skip
    log_in(page, provider_user)
    page.goto(f"/manage/imports/{job.pk}/")
    counts = page.locator("#job-counts")
    assert counts.inner_text() == "已检查 500 / 2000 行"
    ImportJob.objects.filter(pk=job.pk).update(rows_done=1500)
    expect(counts).to_have_text("已检查 1500 / 2000 行", timeout=10_000)
    assert page.locator("#job-progress").evaluate("bar => bar.value") == 1500
    ImportJob.objects.filter(pk=job.pk).update(status="succeeded", row_count=2000, created_count=2000)
    expect(page.locator("main")).to_contain_text("导入成功:共 2000 行,新增 2000 条", timeout=10_000)
    assert page.locator("#import-progress").count() == 0


def test_provider_pages_fit_a_360px_phone(page, empty_index, provider_user):
    program = f.ProgramFactory(provider=provider_user.provider, title="粤菜师傅中式烹调师(五级)培训班")
    session = f.SessionFactory(program=program, enrolled_count=1)
    f.EnrolmentFactory(session=session)
    log_in(page, provider_user)
    base = f"/provider/programs/{program.pk}"
    urls = ("/provider/programs/", f"{base}/edit/", f"{base}/sessions/", f"{base}/sessions/new/",
            f"{base}/sessions/{session.pk}/enrolments/", "/manage/imports/")  # fmt: skip
    for url in urls:
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
