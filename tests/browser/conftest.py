"""Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Nothing is downloaded: the browser is /usr/bin/chromium (`apt-get install chromium`; `make test`
installs it where it can), never `playwright install`. Without it these tests skip on a laptop
and fail in CI (SKILLBRIDGE_REQUIRE_SERVICES=1), through tests.services.need.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from backend.accounts.models import User
from search.services import index_rebuild, reset_backend
from tests import factories as f
from tests.services import need

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "pw-browser-123"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module. While Playwright's sync API is open its event loop counts as
    running in this thread, so Django would refuse the tests' (synchronous, safe) ORM calls and
    the database flush after each test: DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that long,
    never for the rest of the suite (`check --deploy` rejects it)."""
    need(bool(shutil.which(CHROMIUM)), f"chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "the playwright package (pip install -r requirements-dev.txt)")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A phone-sized page in Chinese; `page.goto("/search/")` is relative to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def corpus(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Jobs and a course near 英德, indexed in a throwaway index the live server also reads."""
    settings.SEARCH_FTS5_PATH = str(tmp_path / "browser-search.sqlite3")
    reset_backend()
    welder = f.PostingFactory(
        title="电焊工", occupation=f.occupation("焊工"), wage_min=6000, wage_max=8000, provides_lodging=True,
        provides_meals=True, description="熟练电焊工,包吃包住,长白班。",
    )  # fmt: skip
    f.PostingFactory(
        title="电焊学徒", occupation=f.occupation("焊工"), wage_min=4000, wage_max=5000,
        description="可带徒,不包住。",
    )  # fmt: skip
    for n in range(3):
        f.PostingFactory(
            title=f"普工{n}", occupation=f.occupation("生产操作工"), division=f.division("441900")
        )
    course = f.ProgramFactory(
        title="焊工技能培训", occupation=f.occupation("焊工"), description="电焊入门到中级。"
    )
    f.SessionFactory(program=course)
    index_rebuild()
    yield {"welder": welder, "course": course}
    reset_backend()


@pytest.fixture
def worker(db):  # type: ignore[no-untyped-def]
    user = f.UserFactory(username="amin", role=User.Role.WORKER, display_name="阿明")
    user.set_password(PASSWORD)
    user.save()
    f.WorkerProfileFactory(user=user)
    return user


def log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
