"""Screenshots of the worker's pages at 360x780 and 1280x800, written to docs/screenshots/.

On demand, not part of the suite (pytest collects test_*.py only):
    make screenshots        # = .venv/bin/python -m pytest tests/browser/screenshots.py
Chinese text needs a CJK font in Chromium (`apt-get install fonts-wqy-microhei`; the make target
installs it where it can). Viewport-sized PNGs, not full pages, to keep them small.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_screenshots(browser, live_server, corpus, worker):
    OUT.mkdir(parents=True, exist_ok=True)
    welder, course = corpus["welder"].pk, corpus["course"].pk
    pages = {
        "home": "/",
        "search": "/search/?q=电焊",
        "search-filtered": "/search/?q=电焊&kind=job&lodging=true&near=441881&sort=distance",
        "search-error": "/search/?q=电焊&kind=job&wage_floor=很多",
        "job": f"/jobs/{welder}/",
        "course": f"/courses/{course}/",
        "login": "/login/",
        "404": "/jobs/999999/",
    }
    for size_name, size in (("360", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size)
        page = context.new_page()
        page.goto("/login/")
        page.screenshot(path=OUT / f"login-{size_name}.png")
        log_in(page, worker)
        for name, url in pages.items():
            if name == "login":
                continue
            page.goto(url, wait_until="networkidle")
            page.screenshot(path=OUT / f"{name}-{size_name}.png")
        context.close()
