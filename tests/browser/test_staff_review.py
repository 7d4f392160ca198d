"""Staff of county X review a batch run's suggestion on a phone; the worker then sees it approved."""

from __future__ import annotations

import pytest

from matching import engine
from matching.models import Suggestion
from matching.services import runs
from tests.matching.world import X, build_world

from .conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed_world(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The matching test world with logins, after a batch run over county X."""
    settings.MATCHING_ARTEFACT_DIR = tmp_path / "matching"
    settings.MATCHING_VERSION_CHECK_SECONDS = 0
    settings.MATCHING_REBUILD_SECONDS = 0
    engine.reset()
    world = build_world()
    for user in world.users.values():
        if user is not None:
            user.set_password(PASSWORD)
            user.save()
    run = runs.matching_run_create(kind="both", county_codes=[X], started_by=world.user("staff_x"))
    runs.matching_run_execute(run_id=run.pk)
    yield world
    engine.reset()


def test_staff_approve_a_suggestion_and_the_worker_sees_it(browser, live_server, reviewed_world):
    world = reviewed_world
    worker = world.workers["worker_a"]
    suggestion = (
        Suggestion.objects.filter(worker=worker, kind="job", status="pending").order_by("-score").first()
    )
    assert suggestion is not None, "the run suggested no job to worker A"

    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 360, "height": 780}
    )
    page = context.new_page()
    log_in(page, world.user("staff_x"))
    page.get_by_role("link", name="建议审核").first.click()
    page.wait_for_url("**/staff/review/")
    page.get_by_label("类型").select_option("job")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**kind=job**")

    row = page.locator(f"#s{suggestion.pk}")
    row.get_by_text("为什么推荐").click()
    assert row.locator("details.explain").get_attribute("open") is not None
    assert row.get_by_text("模型版本").is_visible()
    row.get_by_label("通过").check()
    row.get_by_role("button", name="提交审核").click()
    assert page.get_by_role("status").inner_text().startswith("已审核")
    suggestion.refresh_from_db()
    assert suggestion.status == "approved"
    assert suggestion.application is not None
    page.goto("/staff/review/?status=approved")
    assert "已生成推荐投递" in page.locator(f"#s{suggestion.pk}").inner_text()
    context.close()

    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 360, "height": 780}
    )
    page = context.new_page()
    log_in(page, world.user("worker_a"))
    data = page.evaluate(
        "async () => (await fetch('/api/v1/me/suggestions/', {headers: {Accept: 'application/json'}})).json()"
    )
    items = data["results"] if isinstance(data, dict) else data
    assert [item["id"] for item in items] == [suggestion.pk]
    assert "score" not in items[0]  # staff-only fields stay hidden from the worker
    # ...and on their own page, under 工作人员为您推荐, linking to the job.
    page.goto("/me/recommendations/")
    staff_section = page.locator("section", has=page.locator("#staff-heading"))
    link = staff_section.get_by_role("link", name=suggestion.posting.title)
    assert link.count() == 1
    link.click()
    page.wait_for_url(f"**/jobs/{suggestion.posting_id}/")
    context.close()


def test_staff_pages_fit_a_360px_phone(browser, live_server, reviewed_world):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 360, "height": 780}
    )
    page = context.new_page()
    log_in(page, reviewed_world.user("staff_x"))
    for url in ("/staff/review/", "/staff/runs/", "/staff/dashboard/"):
        page.goto(url)
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
    context.close()
