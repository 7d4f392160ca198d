"""Screenshots of the worker's own pages at 360x780 and 1280x800, written to docs/screenshots/.

On demand, like screenshots.py:
    .venv/bin/python -m pytest tests/browser/screenshots_worker.py
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.workers.models import WorkerProfile

from .conftest import DESKTOP, PHONE, log_in
from .test_worker_profile import fill_wizard, matching_world, newcomer  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_screenshots(browser, live_server, matching_world, newcomer):  # noqa: F811
    OUT.mkdir(parents=True, exist_ok=True)
    for size_name, size in (("360", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size)
        page = context.new_page()
        log_in(page, newcomer)
        page.goto("/me/profile/?step=1", wait_until="networkidle")
        page.get_by_role("button", name="清空重填").click()  # the second size starts afresh
        fill_wizard(page)
        page.get_by_role("button", name="再加一项").first.click()
        page.get_by_label("技能 2").press_sequentially("yuesao", delay=30)
        page.locator("[role=listbox]:visible [role=option]").first.wait_for()
        page.screenshot(path=OUT / f"worker-wizard-skills-{size_name}.png")
        page.keyboard.press("Escape")
        page.get_by_role("button", name="下一步", exact=True).click()
        page.wait_for_url("**step=4")
        page.get_by_role("button", name="保存资料").click()  # no consent yet: the error summary
        page.get_by_role("alert").wait_for()
        page.screenshot(path=OUT / f"worker-wizard-error-{size_name}.png")
        page.get_by_label("每月最少要多少钱(元,可不填)").fill("5000")
        page.get_by_label("我同意平台保存和处理我的个人信息,用于推荐岗位和培训").check()
        page.get_by_role("button", name="保存资料").click()
        page.wait_for_url("**/me/recommendations/")
        page.screenshot(path=OUT / f"worker-recommendations-{size_name}.png")
        context.close()
        WorkerProfile.objects.filter(user=newcomer).delete()  # the next size registers again
