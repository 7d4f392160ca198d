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


@pytest.fixture(scope="module")
def module_server(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """A live server whose rows last for the whole test module, for modules that build one world
    and visit many pages (pytest-django's `live_server` makes every test transactional, flushing
    the rows after each one). Rows written by module fixtures are committed; the module's tests
    take a plain `django_db` mark (so the test database exists) and must not use `live_server`.
    The end flushes what the module wrote and reloads the reference data."""
    from django.core.management import call_command
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    from backend.regions.models import Division

    with django_db_blocker.unblock(), modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        if not Division.objects.exists():  # an earlier transactional test flushed it
            call_command("load_divisions", verbosity=0)
            call_command("load_taxonomy", verbosity=0)
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            call_command("load_divisions", verbosity=0)
            call_command("load_taxonomy", verbosity=0)


def logged_in_context(browser, base_url: str, user):  # type: ignore[no-untyped-def]
    """A phone-sized Chinese context holding `user`'s session (None: anonymous), without going
    through the login form."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(10_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context


SERIOUS = ("serious", "critical")


def axe_findings(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical violations on the page as it is now, one line per node:
    rule id, impact, what to fix, and where (axe-core is bundled by axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {' > '.join(map(str, node['target']))}"
        for v in violations
        if v["impact"] in SERIOUS
        for node in v["nodes"]
    ]
