"""axe-core on every web page at 360 px, as every role that may open it: no serious or critical finding.

The pages come from the URL resolver (everything outside admin/, api/ and i18n/), so a page added
later is either given a sample below or fails `test_every_page_has_a_sample`. Each sample names
the page, the roles that may open it, the world's rows its URL needs, and a state worth checking
on its own (zero results, errors after a failed submit, a wizard step). One world is built for
the module and one browser context kept per role; axe runs after the page (and its ES modules)
has loaded. Moderate and minor findings are not failures here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import User
from backend.accounts.services import api_token_create
from backend.imports.models import ImportJob
from backend.workers.deletion import deletion_request_create
from matching import engine
from matching.services import runs
from search.services import index_rebuild, reset_backend
from tests import factories as f
from tests.matching.world import X, build_world

from .conftest import PASSWORD, PHONE, axe_findings, logged_in_context

# A plain django_db mark: the world is committed once by module_server's module, not per test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ANONYMOUS = "anonymous"
WORKER, PROVIDER, EMPLOYER, STAFF, ADMIN = (
    "worker",
    "provider_staff",
    "employer_staff",
    "service_staff",
    "admin",
)
SECURITY_ADMIN, AUDITOR = "security_admin", "auditor"
EVERYONE = (ANONYMOUS, *User.Role.values)
STAFF_PAGES = (STAFF, ADMIN)
SECOND_FACTOR = (PROVIDER, EMPLOYER, STAFF, ADMIN, SECURITY_ADMIN, AUDITOR)
# A service-staff login with an authenticator app, signed in with the password only.
UNVERIFIED = "service_staff_2fa_pending"
POSTING_MANAGERS = (EMPLOYER, STAFF)
IMPORTERS = (PROVIDER, EMPLOYER, STAFF, ADMIN)

# Named routes that are not pages: POST-only actions that redirect, and machine endpoints.
NOT_PAGES = {
    "healthz": "JSON for the load balancer",
    "healthz-live": "JSON for the load balancer",
    "me-privacy-export": "a file download (JSON or Excel)",
    "me-privacy-consent": "POST only, redirects",
    "me-privacy-delete": "POST only, redirects",
    "logout": "POST only, redirects",
    "provider-program-publish": "POST only, redirects",
    "provider-program-close": "POST only, redirects",
    "manage-posting-status": "POST only, redirects",
    "me-application-withdraw": "POST only, redirects",
    "me-enrolment-drop": "POST only, redirects",
    "staff-run-cancel": "POST only, redirects",
    "account-token-revoke": "POST only, redirects",
    "account-tokens-revoke-all": "POST only, redirects",
}
NOT_SITE_PAGES = ("admin/", "api/", "i18n/")


@dataclass(frozen=True)
class Sample:
    """One page in one state: `kwargs` maps the route's arguments to rows of the world."""

    name: str
    roles: tuple[str, ...]
    kwargs: dict[str, str] = field(default_factory=dict)
    query: str = ""
    state: str = ""
    status: int = 200
    submit: str = ""  # the button that sends its form emptied, the browser's own checks off

    def path(self, ids: dict[str, int]) -> str:
        return reverse(self.name, kwargs={k: ids[v] for k, v in self.kwargs.items()}) + self.query


def _wizard(name: str, roles: tuple[str, ...]) -> list[Sample]:
    """The profile wizard's steps, each reachable by GET."""
    return [Sample(name, roles, query=f"?step={n}", state=f"step{n}") for n in (1, 2, 3, 4)]


def _failed(name: str, roles: tuple[str, ...], button: str, *, status: int = 400, **kw: Any) -> Sample:
    """The page after its form was sent empty with `button` (errors shown)."""
    return Sample(name, roles, state="failed-submit", status=status, submit=button, **kw)


SAMPLES = [
    Sample("home", EVERYONE),
    Sample("search", EVERYONE, query="?q=厨师", state="results"),
    Sample("search", (ANONYMOUS, WORKER), query="?q=潜水艇驾驶", state="zero-results"),
    Sample("search", (ANONYMOUS,), query="?kind=job&wage_floor=abc", state="invalid", status=400),
    Sample("search", (ANONYMOUS,), query="?kind=training&brand=gd_technician&free=true", state="filtered"),
    Sample("job-detail", EVERYONE, {"posting_id": "posting"}),
    Sample("job-detail", (WORKER,), {"posting_id": "applied_posting"}, state="applied"),
    Sample("job-detail", (ANONYMOUS,), {"posting_id": "missing"}, state="not-found", status=404),
    Sample("course-detail", EVERYONE, {"program_id": "program"}),
    _failed("course-detail", (WORKER,), "报名所选开班", kwargs={"program_id": "other_program"}),
    Sample("login", (ANONYMOUS,)),
    _failed("login", (ANONYMOUS,), "登录", status=200),
    Sample("privacy", EVERYONE),
    Sample("account-security", SECOND_FACTOR),
    Sample("account-2fa-enrol", (STAFF, PROVIDER)),
    _failed("account-2fa-enrol", (STAFF,), "确认并开启", status=200),
    Sample("account-2fa-verify", (UNVERIFIED,)),
    _failed("account-2fa-verify", (UNVERIFIED,), "验证", status=200),
    Sample("account-2fa-recovery", (STAFF,)),
    Sample("account-tokens", (WORKER, STAFF, SECURITY_ADMIN)),
    Sample("password-reset", (ANONYMOUS,)),
    _failed("password-reset", (ANONYMOUS,), "发送重置邮件", status=200),
    Sample("password-reset-done", (ANONYMOUS,)),
    Sample(
        "password-reset-confirm",
        (ANONYMOUS,),
        {"uidb64": "reset_uid", "token": "reset_token"},
        state="invalid-link",
    ),
    Sample("password-reset-complete", (ANONYMOUS,)),
    Sample("audit-entries-page", (AUDITOR,)),
    *_wizard("me-profile", (WORKER,)),
    Sample("me-recommendations", (WORKER,)),
    Sample("me-recommendations", (WORKER,), query="?tab=training", state="training"),
    Sample("me-activity", (WORKER,)),
    Sample("me-privacy", (WORKER,)),
    Sample("provider-programs", (PROVIDER,)),
    Sample("provider-programs", (WORKER,), state="refused", status=403),
    Sample("provider-program-new", (PROVIDER,)),
    _failed("provider-program-new", (PROVIDER,), "保存"),
    Sample("provider-program-edit", (PROVIDER,), {"program_id": "program"}),
    Sample("provider-sessions", (PROVIDER,), {"program_id": "program"}),
    Sample("provider-session-new", (PROVIDER,), {"program_id": "program"}),
    _failed("provider-session-new", (PROVIDER,), "保存", kwargs={"program_id": "program"}),
    Sample("provider-session-edit", (PROVIDER,), {"program_id": "program", "session_id": "session"}),
    Sample("provider-enrolments", (PROVIDER,), {"program_id": "program", "session_id": "session"}),
    Sample("manage-postings", POSTING_MANAGERS),
    Sample("manage-posting-new", POSTING_MANAGERS),
    _failed("manage-posting-new", (EMPLOYER,), "保存"),
    Sample("manage-posting-edit", POSTING_MANAGERS, {"posting_id": "posting"}),
    Sample("manage-imports", IMPORTERS),
    _failed("manage-imports", (STAFF,), "上传并导入"),
    Sample("manage-import-job", STAFF_PAGES, {"job_id": "failed_import"}, state="failed"),
    Sample("manage-import-job", (STAFF,), {"job_id": "running_import"}, state="running"),
    Sample("staff-review", STAFF_PAGES),
    Sample("staff-runs", STAFF_PAGES),
    _failed("staff-runs", (STAFF,), "开始匹配"),
    Sample("staff-dashboard", STAFF_PAGES),
    Sample("staff-deletion-requests", STAFF_PAGES),
    *_wizard("staff-worker-new", (STAFF,)),
    _failed("staff-worker-new", (STAFF,), "下一步"),
    Sample("staff-worker-new", (STAFF,), query="?created={worker}", state="registered"),
]


def site_pages() -> set[str]:
    """Every named route of the site outside admin/, api/ and i18n/ (unnamed ones by route)."""
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(NOT_SITE_PAGES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.add(pattern.name or route)

    walk(get_resolver("backend.urls").url_patterns, "")
    return found


def test_every_page_has_a_sample():
    sampled = {sample.name for sample in SAMPLES}
    pages = site_pages()
    assert sorted(pages - sampled - set(NOT_PAGES)) == [], "pages without a sample in SAMPLES"
    assert sorted((sampled | set(NOT_PAGES)) - pages) == [], "samples of routes that do not exist"


@pytest.fixture(scope="module")
def world(module_server, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The matching world (counties X and Y, a cook with a login, postings, sessions), with an
    application, an enrolment and a batch run over X, indexed for search; rows by name."""
    work = tmp_path_factory.mktemp("a11y")
    overrides = override_settings(
        SEARCH_FTS5_PATH=str(work / "search.sqlite3"),
        MATCHING_ARTEFACT_DIR=work / "matching",
        MATCHING_VERSION_CHECK_SECONDS=0,
        MATCHING_REBUILD_SECONDS=0,
    )
    overrides.enable()
    reset_backend()
    engine.reset()
    try:
        yield _seed()
    finally:
        engine.reset()
        reset_backend()
        overrides.disable()


def _seed() -> dict[str, Any]:
    world = build_world()
    users = {
        WORKER: world.user("worker_a"),
        PROVIDER: world.user("provider"),
        EMPLOYER: world.user("employer"),
        STAFF: world.user("staff_x"),
        ADMIN: world.user("admin"),
        SECURITY_ADMIN: f.UserFactory(role=User.Role.SECURITY_ADMIN),
        AUDITOR: f.UserFactory(role=User.Role.AUDITOR),
        UNVERIFIED: f.UserFactory(
            role=User.Role.SERVICE_STAFF, service_centre=world.user("staff_x").service_centre
        ),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    TOTPDevice.objects.create(user=users[UNVERIFIED], name="手机", confirmed=True)
    for role in (WORKER, STAFF):  # the token list with rows in it
        api_token_create(user=users[role], name="我的手机", user_agent="SkillBridgeApp/2.1 (Android 14)")
    worker = world.workers["worker_a"]
    cook, cantonese = world.postings["cook_x"], world.sessions["cantonese"]
    f.ApplicationFactory(worker=worker, posting=world.postings["helper_x"], note="下午方便接电话")
    f.EnrolmentFactory(worker=worker, session=cantonese)
    f.SessionFactory(program=cantonese.program, start_date=dt.date.today() + dt.timedelta(days=40))
    deletion_request_create(actor=users[STAFF], worker=world.workers["worker_c"])  # one to decide
    run = runs.matching_run_create(kind="both", county_codes=[X], started_by=users[STAFF])
    runs.matching_run_execute(run_id=run.pk)
    index_rebuild()
    failed_import, running_import = _import_jobs(users[STAFF])
    ids = {
        "posting": cook.pk,
        "applied_posting": world.postings["helper_x"].pk,
        "missing": 987654,
        "program": cantonese.program.pk,
        "other_program": world.sessions["welding"].program.pk,
        "session": cantonese.pk,
        "worker": worker.pk,
        "reset_uid": "MTIzNDU2",  # a made-up user: the page for a link that does not work
        "reset_token": "c0ffee-0123456789abcdef",
        "failed_import": failed_import.pk,
        "running_import": running_import.pk,
    }
    return {"users": users, "ids": ids}


def _import_jobs(owner: User) -> tuple[ImportJob, ImportJob]:
    """An import job's page in its two states: finished with errors (a file error, row errors, a
    notice) and still running (the progress bar, the polling script)."""
    failed = ImportJob.objects.create(
        kind="postings", filename="岗位.xlsx", file="imports/a.xlsx", created_by=owner, status="failed",
        row_count=2, errors=[
            {"row": None, "column": "", "code": "no_rows", "message": "文件中没有数据行。"},
            {"row": 3, "column": "月薪上限", "code": "wage_out_of_range", "message": "月薪应在1000至100000元之间。"},
        ], notices=["第5行至第1004行都是空行,已停止读取:表格到第4行为止。"],
    )  # fmt: skip
    running = ImportJob.objects.create(
        kind="workers", filename="劳动者.csv", file="imports/b.csv", created_by=owner, status="running",
        stage="checking", rows_done=500, rows_total=2000,
    )  # fmt: skip
    return failed, running


@pytest.fixture(scope="module")
def pages(browser, module_server, world) -> Iterator[dict[str, Any]]:
    """One page per role, its context logged in here, outside any test: a session saved inside
    a test would be rolled back with the test's transaction."""
    opened = {
        role: logged_in_context(browser, module_server.url, world["users"].get(role)).new_page()
        for role in (*EVERYONE, UNVERIFIED)
    }
    for page in opened.values():
        page.set_default_navigation_timeout(60_000)  # an admin's staff pages list every county
    yield opened
    for page in opened.values():
        page.context.close()


# Every field a person fills is emptied (defaults included) so the server answers with errors.
EMPTY_THE_FORM = """button => {
  button.form.noValidate = true;
  for (const field of button.form.elements) {
    if (["hidden", "submit", "button"].includes(field.type)) continue;
    if (["checkbox", "radio"].includes(field.type)) field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = -1;
    else field.value = "";
  }
}"""

CASES = [
    pytest.param(sample, role, id="-".join(filter(None, (role, sample.name, sample.state))))
    for sample in SAMPLES
    for role in sample.roles
]


@pytest.mark.parametrize(("sample", "role"), CASES)
def test_page_has_no_serious_accessibility_findings(sample: Sample, role: str, pages, world):
    page = pages[role]
    path = sample.path(world["ids"]).format(**world["ids"])
    response = page.goto(path)
    if sample.submit:
        button = page.locator("main").get_by_role("button", name=sample.submit, exact=True).first
        button.evaluate(EMPTY_THE_FORM)
        with page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
    assert response is not None
    assert response.status == sample.status, f"{path} as {role}: HTTP {response.status}"
    here = urlsplit(unquote(page.url))
    assert sample.submit or here.path + (here.query and "?" + here.query) == path, (
        f"{path} as {role}: at {page.url}"
    )
    findings = axe_findings(page)
    assert findings == [], f"{path} as {role}:\n" + "\n".join(findings)


def test_axe_reports_what_it_should(browser):
    """The check itself: a page with an unnamed button and grey-on-white text fails it."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_content(
        '<html lang="zh-hans"><title>t</title><main><h1>标题</h1>'
        '<p style="color:#bbb">看不清的字</p><button><svg width="20" height="20"></svg></button></main></html>'
    )
    findings = axe_findings(page)
    context.close()
    assert any(line.startswith("button-name (critical)") for line in findings), findings
    assert any(line.startswith("color-contrast (serious)") for line in findings), findings
