"""Screenshots of the provider's pages at 360x780 and 1280x800, written to docs/screenshots/.

On demand, like screenshots.py:
    .venv/bin/python -m pytest tests/browser/screenshots_provider.py
"""

from __future__ import annotations

import pytest

from tests import factories as f
from training.models import Program

from .conftest import DESKTOP, PHONE, log_in
from .screenshots import OUT
from .test_provider_flow import bad_programs_xlsx, empty_index, fill_program, provider_user  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_screenshots(browser, live_server, empty_index, provider_user):  # noqa: F811
    OUT.mkdir(parents=True, exist_ok=True)
    provider = provider_user.provider
    published = f.ProgramFactory(provider=provider, title="粤菜师傅中式烹调师(五级)培训班")
    f.SessionFactory(program=published)
    f.ProgramFactory(provider=provider, title="电工上岗证培训", status=Program.Status.DRAFT)
    f.ProgramFactory(provider=provider, title="2025 年春季育婴员培训", status=Program.Status.CLOSED)
    for size_name, size in (("360", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size)
        page = context.new_page()
        log_in(page, provider_user)
        page.goto("/provider/programs/", wait_until="networkidle")
        page.screenshot(path=OUT / f"provider-programs-{size_name}.png")

        page.goto("/provider/programs/new/")
        fill_program(page, "粤菜师傅速成班")
        page.get_by_label("授课方式").select_option("online")
        page.get_by_label("费用(元)").fill("300")
        page.get_by_label("免费", exact=True).check()
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / f"provider-program-errors-{size_name}.png")

        page.goto("/manage/imports/")
        page.get_by_label("导入什么").select_option("programs")
        page.get_by_label("表格文件").set_input_files(
            {"name": "培训项目.xlsx", "mimeType": "application/octet-stream", "buffer": bad_programs_xlsx()}
        )
        page.get_by_role("button", name="上传并导入").click()
        page.wait_for_load_state("networkidle")
        page.locator("#error-summary").scroll_into_view_if_needed()
        page.screenshot(path=OUT / f"import-errors-{size_name}.png")
        context.close()
