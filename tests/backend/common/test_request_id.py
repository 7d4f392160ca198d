"""The request id: taken or made, returned, on the access line, and carried into Celery tasks."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.functional import SimpleLazyObject

from backend.accounts.services import api_token_create
from backend.celery import app as project_app
from backend.common.logging import project_handler
from backend.common.request_id import RequestIdMiddleware, current_request_id, request_id_var
from tests.factories import UserFactory


@pytest.fixture
def access_lines():
    """The access logger's lines as the project formats them."""
    stream = io.StringIO()
    handler = project_handler(logging.StreamHandler(stream))
    logger = logging.getLogger("backend.access")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["lb-7f3a.9_x", "A" * 64])
def test_a_sane_request_id_is_kept_and_returned(sent, access_lines):
    response = Client().get("/healthz/live", HTTP_X_REQUEST_ID=sent)

    assert response["X-Request-ID"] == sent
    assert access_lines()[-1]["request_id"] == sent


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["", "A" * 65, "a b", "x\ny", "<script>", "中文"])
def test_anything_else_is_replaced_by_a_fresh_uuid(sent):
    response = Client().get("/healthz/live", HTTP_X_REQUEST_ID=sent)

    made = response["X-Request-ID"]
    assert made != sent
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert Client().get("/healthz/live")["X-Request-ID"] != made


@pytest.mark.django_db
def test_the_access_line_has_method_path_status_duration_user_and_role(access_lines):
    worker = UserFactory(role="worker")
    _row, key = api_token_create(user=worker)

    response = Client().get(
        "/api/v1/divisions/?q=13912345678", HTTP_X_REQUEST_ID="req-1", HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert response.status_code == 200
    line = access_lines()[-1]
    assert line["logger"] == "backend.access"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/divisions/", 200)
    assert line["message"].startswith("GET /api/v1/divisions/ 200 ")
    assert line["duration_ms"] >= 0
    assert (line["user_id"], line["role"]) == (worker.pk, "worker")
    assert line["request_id"] == "req-1"
    assert "13912345678" not in json.dumps(line)  # the query string is never logged
    assert worker.username not in json.dumps(line, ensure_ascii=False)


@pytest.mark.django_db
def test_a_404_is_logged_and_the_id_is_gone_after_the_request(access_lines):
    stream = io.StringIO()
    django_request = logging.getLogger("django.request")
    handler = project_handler(logging.StreamHandler(stream))
    django_request.addHandler(handler)
    try:
        response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
    finally:
        django_request.removeHandler(handler)

    assert response.status_code == 404
    assert access_lines()[-1]["status"] == 404
    assert current_request_id() is None
    # Django logs the 404 after the middleware returned; the id comes from the attached request.
    warning = json.loads(stream.getvalue().splitlines()[-1])
    assert (warning["message"], warning["request_id"]) == ("Not Found: /no-such-page/", "req-404")


def test_the_user_is_not_looked_up_only_for_the_log():
    """A page that never needed the user leaves the lazy user unresolved (a session and a user
    query saved); the access line then has no user."""
    looked_up = []
    request = RequestFactory().get("/static/app.css")
    request.user = SimpleLazyObject(lambda: looked_up.append(True) or AnonymousUser())
    lines = []
    handler = logging.Handler()
    handler.emit = lines.append  # type: ignore[method-assign]
    logging.getLogger("backend.access").addHandler(handler)
    try:
        RequestIdMiddleware(lambda request: HttpResponse("ok"))(request)
    finally:
        logging.getLogger("backend.access").removeHandler(handler)

    assert looked_up == []
    assert (lines[-1].user_id, lines[-1].role) == (None, None)


# --- Celery ------------------------------------------------------------------------------------
# Not the current app: the project's shared tasks would bind to it and stop running eagerly.
probe_app = Celery("request-id-probe", broker="memory://", backend="cache+memory://", set_as_current=False)
# Celery takes CELERY_BROKER_URL from the environment over `broker=` (CI's Redis, where CI's own
# worker listens on the default queue): a queue of its own, consumed only by the embedded worker.
probe_app.conf.update(
    task_always_eager=False,
    worker_hijack_root_logger=False,
    task_default_queue=f"request-id-probe-{uuid.uuid4().hex}",
)
seen: list[str | None] = []


@probe_app.task(name="tests.request_id_probe")
def probe() -> str | None:
    logging.getLogger("tests.request_id_probe").warning("task ran")
    seen.append(current_request_id())
    return current_request_id()


@pytest.fixture
def root_logging_restored():
    """The embedded worker reconfigures logging from settings.LOGGING (our setup_logging
    receiver); put back the handlers the session had (the suite's log capture among them)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    # start_worker makes the probe app the current and default one; the project's app again.
    project_app.set_current()
    project_app.set_default()


def test_a_task_sent_during_a_request_runs_on_a_worker_under_its_id(root_logging_restored):
    """A real worker thread on kombu's in-memory broker: the id goes out in the message header
    (before_task_publish) and the worker takes it up for the task's lines (task_prerun)."""
    stream = io.StringIO()
    task_logger = logging.getLogger("tests.request_id_probe")
    task_logger.addHandler(project_handler(logging.StreamHandler(stream)))
    seen.clear()
    with start_worker(probe_app, pool="solo", perform_ping_check=False, loglevel="INFO"):
        token = request_id_var.set("req-from-view")
        try:
            result = probe.delay()
        finally:
            request_id_var.reset(token)
        assert result.get(timeout=10) == "req-from-view"
        assert probe.delay().get(timeout=10) is None  # a task sent outside a request has none
    task_logger.handlers.clear()

    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "req-from-view"
    assert "request_id" not in second
    assert seen == ["req-from-view", None]


def test_an_eager_task_keeps_the_id_of_the_request_it_runs_in():
    token = request_id_var.set("req-eager")
    try:
        assert probe.apply().get() == "req-eager"
        assert current_request_id() == "req-eager"  # postrun left the request's id alone
    finally:
        request_id_var.reset(token)
