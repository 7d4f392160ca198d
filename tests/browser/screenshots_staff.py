"""Screenshots of the staff pages at 360x780 and 1280x800, written to docs/screenshots/.

On demand, like screenshots.py:  .venv/bin/python -m pytest tests/browser/screenshots_staff.py
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.models import Suggestion
from matching.services import review

from .conftest import DESKTOP, PHONE, log_in
from .test_staff_review import reviewed_world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_staff_screenshots(browser, live_server, reviewed_world):  # noqa: F811
    OUT.mkdir(parents=True, exist_ok=True)
    staff = reviewed_world.user("staff_x")
    # Some decisions, so the dashboard has figures.
    for n, suggestion in enumerate(Suggestion.objects.filter(kind="job", worker__user__isnull=False)[:2]):
        decision = {"decision": "approve"} if n == 0 else {"decision": "reject", "reason_code": "too_far"}
        review.suggestion_review(actor=staff, suggestion=suggestion, **decision)
    first = Suggestion.objects.filter(status="pending").order_by("-score", "id").first()
    for size_name, size in (("360", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size)
        page = context.new_page()
        log_in(page, staff)
        page.goto("/staff/review/", wait_until="networkidle")
        if first is not None:
            row = page.locator(f"#s{first.pk}")
            row.locator("details.explain").evaluate("(d) => { d.open = true; }")
            row.scroll_into_view_if_needed()
        page.screenshot(path=OUT / f"staff-review-{size_name}.png")
        page.goto("/staff/runs/", wait_until="networkidle")
        page.screenshot(path=OUT / f"staff-runs-{size_name}.png")
        page.goto("/staff/dashboard/", wait_until="networkidle")
        page.screenshot(path=OUT / f"staff-dashboard-{size_name}.png")
        context.close()
