"""Every page at 360 px under the Content-Security-Policy it is served with: the header is the
strict one, and the browser reports no violation (a `securitypolicyviolation` event or a CSP
console error) while the page loads and its scripts start.

The pages are the accessibility test's samples (tests/browser/test_accessibility.py SAMPLES, every
role that may open each), so a page added there is checked here too; the Django admin and the API
docs pages are added below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from backend.accounts.models import User
from tests import factories as f
from tests.backend.web.test_csp import STRICT_POLICY, parse_policy, without_nonces

from .conftest import PASSWORD, PHONE, logged_in_context
from .test_accessibility import CASES, EMPTY_THE_FORM, Sample, pages, world  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Collects what the browser refuses, from the first byte of every document the context opens.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Recorder:
    """One role's page with the violations its documents reported and the CSP console errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(script=RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        self.page.wait_for_load_state("load")
        return list(self.page.evaluate("window.__cspViolations || []")) + self.console


@pytest.fixture(scope="module")
def recorders(pages) -> dict[str, Recorder]:  # noqa: F811
    return {role: Recorder(page) for role, page in pages.items()}


def _visit(recorder: Recorder, path: str, sample: Sample | None = None) -> Any:
    recorder.console.clear()
    response = recorder.page.goto(path)
    if sample is not None and sample.submit:
        button = recorder.page.locator("main").get_by_role("button", name=sample.submit, exact=True).first
        button.evaluate(EMPTY_THE_FORM)
        with recorder.page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
    return response


@pytest.mark.parametrize(("sample", "role"), CASES)
def test_every_page_has_a_strict_csp(sample: Sample, role: str, recorders, world):  # noqa: F811
    recorder = recorders[role]
    path = sample.path(world["ids"]).format(**world["ids"])

    response = _visit(recorder, path, sample)

    assert response is not None
    assert response.status == sample.status, f"{path} as {role}: HTTP {response.status}"
    header = response.headers.get("content-security-policy", "")
    assert without_nonces(parse_policy(header)) == STRICT_POLICY, f"{path} as {role}: {header!r}"
    assert recorder.violations() == [], f"{path} as {role}"


@pytest.fixture(scope="module")
def superuser_page(browser, module_server, world) -> Iterator[Recorder]:  # noqa: F811
    user = f.UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    context = logged_in_context(browser, module_server.url, user)
    yield Recorder(context.new_page())
    context.close()


ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/add/",
    "/admin/jobs/posting/",
    "/admin/jobs/posting/{posting}/change/",
    "/admin/training/program/{program}/change/",
    "/admin/workers/workerprofile/{worker}/change/",
    "/admin/matching/matchingrun/",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_the_admin_works_under_the_strict_csp(path: str, superuser_page: Recorder, world):  # noqa: F811
    response = _visit(superuser_page, path.format(**world["ids"]))

    assert response is not None
    assert response.status == 200, path
    assert urlsplit(superuser_page.page.url).path == path.format(**world["ids"]).split("?")[0]
    assert without_nonces(parse_policy(response.headers["content-security-policy"])) == STRICT_POLICY
    assert superuser_page.violations() == [], path


def test_the_admin_login_page_too(recorders):
    response = _visit(recorders["anonymous"], "/admin/login/")

    assert response is not None
    assert without_nonces(parse_policy(response.headers["content-security-policy"])) == STRICT_POLICY
    assert recorders["anonymous"].violations() == []


def test_swagger_ui_renders_the_operations_without_a_violation(recorders):
    recorder = recorders["anonymous"]
    _visit(recorder, "/api/docs/")

    recorder.page.locator(".opblock").first.wait_for()
    assert recorder.page.locator(".opblock").count() > 10
    assert recorder.violations() == []


REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_redoc_renders_the_operations_without_a_violation(recorders):
    recorder = recorders["anonymous"]
    _visit(recorder, "/api/redoc/")

    recorder.page.get_by_role("heading", name=re.compile("SkillBridge 粤技桥 API")).first.wait_for()
    assert recorder.page.locator("[data-section-id^='tag/']").count() > 5
    recorder.page.wait_for_timeout(500)  # Redoc starts its search worker after the first render
    # The one refusal wanted: Redoc's sidebar logo from its CDN (the image hides itself when refused).
    found = [v for v in recorder.violations() if REDOC_CDN_LOGO not in v]
    assert found == []


def test_the_check_reports_what_it_should(browser):
    """The check itself: inline script, a style attribute and an event handler on a page served
    with the strict policy are each reported."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    recorder = Recorder(context.new_page())
    header = "; ".join(f"{name} {' '.join(sorted(sources))}" for name, sources in STRICT_POLICY.items())
    body = (
        '<html lang="zh-hans"><title>t</title><body onload="void 0"><p style="color:red">x</p>'
        "<script>document.title = 'ran'</script></body></html>"
    )
    context.route(
        "http://csp.test/",
        lambda route: route.fulfill(
            status=200, body=body, headers={"Content-Type": "text/html", "Content-Security-Policy": header}
        ),
    )
    recorder.page.goto("http://csp.test/")
    found = recorder.violations()
    context.close()

    assert any(line.startswith("script-src-elem blocked inline") for line in found), found
    assert any(line.startswith("style-src-attr blocked inline") for line in found), found
    assert any(line.startswith("script-src-attr blocked inline") for line in found), found
