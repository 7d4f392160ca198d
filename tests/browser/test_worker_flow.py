"""A worker on a phone: log in, search, filter, open a job, apply; and the page's basic access."""

from __future__ import annotations

import pytest

from backend.jobs.models import Application

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_searches_filters_opens_a_job_and_applies(page, corpus, worker):
    log_in(page, worker)

    page.get_by_label("搜索岗位或培训").fill("电焊")
    page.get_by_label("搜索岗位或培训").press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("a.result-link")
    assert sorted(results.all_inner_texts()) == ["焊工技能培训", "电焊学徒", "电焊工"]

    page.get_by_role("link", name="岗位").click()  # the jobs tab
    page.get_by_text("筛选", exact=True).click()  # the filter panel is folded on a phone
    page.get_by_label("包住").check()  # the module submits the form on change
    page.wait_for_url("**lodging=true**")
    assert results.all_inner_texts() == ["电焊工"]
    assert page.get_by_label("包住").is_checked()

    results.first.click()
    page.wait_for_url(f"**/jobs/{corpus['welder'].pk}/")
    page.get_by_label("给用人单位的留言(可选)").fill("下周一可以到岗")
    page.get_by_role("button", name="投递这个岗位").click()
    assert page.get_by_role("status").inner_text().startswith("已投递")

    application = Application.objects.get(worker__user=worker)
    assert application.posting_id == corpus["welder"].pk
    assert application.note == "下周一可以到岗"


def test_search_page_fits_a_360px_phone(page, corpus, worker):
    log_in(page, worker)
    for url in ("/search/?q=电焊", "/search/?q=电焊&wage_floor=abc", f"/jobs/{corpus['welder'].pk}/", "/"):
        page.goto(url)
        if url.startswith("/search/"):
            page.locator("details.filters").evaluate("(panel) => { panel.open = true; }")  # widest state
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"


def test_keyboard_reaches_the_skip_link_search_box_and_results(page, corpus):
    page.goto("/search/?q=电焊")
    focused = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                "(() => { const e = document.activeElement; return e.id || e.className || e.tagName })()"
            )
        )
    assert focused[0] == "skip-link"
    assert "q" in focused
    assert "result-link" in focused
    assert focused.index("q") < focused.index("result-link")
    page.keyboard.press("Shift+Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring


def test_bad_input_is_shown_beside_the_field_and_kept(page, corpus):
    page.goto("/search/?q=电焊&kind=job")
    page.get_by_text("筛选", exact=True).click()
    page.get_by_label("月薪不低于(元)").fill("很多")
    page.get_by_role("button", name="应用筛选").click()
    assert page.locator("#err-wage_floor").is_visible()
    assert page.get_by_label("月薪不低于(元)").input_value() == "很多"
    assert page.get_by_label("搜索岗位或培训").input_value() == "电焊"
    assert page.evaluate("document.activeElement.id") == "error-summary"  # announced first
