"""The OpenAPI schema: every resource is there, every operation documents the failures it can
answer, and the shared Error component is the body the API really sends."""

from __future__ import annotations

import io
import re
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from backend.api.schema import CONFLICTS, error_statuses

from .test_permission_matrix import World, build_world, new_program, new_worker

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(openapi: dict[str, Any]):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_openapi_schema_lists_every_resource():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for resource in ("programs", "sessions", "enrolments", "employers", "postings", "applications", "workers",
                     "divisions", "occupations", "skills", "certificate-types"):  # fmt: skip
        assert f"/api/v1/{resource}/" in paths, resource


def test_docs_page_loads_nothing_from_another_host():
    html = Client().get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_the_schema_is_valid_openapi_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_every_operation_documents_its_failures(openapi):
    missing = []
    for path, method, operation in _operations(openapi):
        parameters = operation.get("parameters", [])
        expected = {"401", "403", "406", "429"}
        if any(p["in"] == "query" for p in parameters) or "requestBody" in operation or method != "get":
            expected.add("400")
        if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
            expected.add("404")
        if "requestBody" in operation:
            expected.add("415")
        absent = expected - set(operation["responses"])
        if absent:
            missing.append(f"{method.upper()} {path}: {sorted(absent)}")
        successes = [status for status in operation["responses"] if status.startswith("2")]
        assert successes, f"{method.upper()} {path} documents no success"
    assert not missing, "\n".join(missing)


def test_every_failure_has_the_error_body(openapi):
    for path, method, operation in _operations(openapi):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"] == {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                }, f"{method.upper()} {path} {status}"


def test_the_conflict_table_names_operations_that_exist(openapi):
    documented = {operation["operationId"]: operation for _, _, operation in _operations(openapi)}
    assert not CONFLICTS - set(documented), sorted(CONFLICTS - set(documented))
    for operation_id in CONFLICTS:
        assert "409" in documented[operation_id]["responses"], operation_id
    assert "409" not in documented["v1_programs_list"]["responses"]


def test_error_statuses_follow_what_the_operation_takes():
    read_by_id = {"operationId": "x", "parameters": [{"in": "path", "name": "id"}]}
    assert error_statuses("get", read_by_id) == [401, 403, 404, 406, 429]
    page = {"operationId": "x", "parameters": [{"in": "query", "name": "page"}]}
    assert error_statuses("get", page) == [400, 401, 403, 404, 406, 429]
    body = {"operationId": "x", "requestBody": {}}
    assert error_statuses("post", body) == [400, 401, 403, 406, 415, 429]
    assert error_statuses("post", {"operationId": "v1_matching_runs_create", "requestBody": {}}) == [
        400, 401, 403, 406, 409, 415, 429,
    ]  # fmt: skip


def test_routes_that_can_only_answer_405_are_not_operations(openapi):
    """A ServiceViewSet without a create/update service is routed but refuses every call."""
    assert "post" not in openapi["paths"]["/api/v1/matching/model-versions/"]
    assert "patch" not in openapi["paths"]["/api/v1/matching/runs/{id}/"]
    assert "post" in openapi["paths"]["/api/v1/matching/runs/"]  # its own create: kept
    client = APIClient()
    client.force_authenticate(build_world().users["admin"])
    assert client.post("/api/v1/matching/model-versions/", {}, format="json").status_code == 405


# --- real error bodies against the documented Error component --------------------------------


def _validate(openapi: dict[str, Any], body: Any) -> None:
    root = {"$ref": "#/components/schemas/Error", "components": openapi["components"]}
    jsonschema.Draft202012Validator(root).validate(body)


def _template(openapi: dict[str, Any], method: str, url: str) -> dict[str, Any]:
    """The operation an URL is routed to (its path template, ids as any value)."""
    path = url.split("?")[0]
    for template, item in openapi["paths"].items():
        if method in item and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return item[method]
    raise AssertionError(f"no operation for {method.upper()} {url}")


def _client(world: World, role: str) -> APIClient:
    client = APIClient()
    if world.users[role] is not None:
        client.force_authenticate(world.users[role])
    return client


# (name, role, method, url, body, extra request arguments, status, code)
ERRORS: list[tuple[str, str, str, str, Any, dict[str, Any], int, str]] = [
    ("invalid filter", "anonymous", "get", "/api/v1/postings/?employer=abc", None, {}, 400, "validation_error"),
    ("invalid suggestion filter", "anonymous", "get", "/api/v1/suggestions/?min_score=abc", None, {}, 400,
     "validation_error"),
    ("invalid query before the worker lookup", "anonymous", "get", "/api/v1/workers/{worker_a}/recommendations/?k=0",
     None, {}, 400, "validation_error"),
    ("nested body fields", "staff_x", "post", "/api/v1/workers/",
     lambda i: {**new_worker(i), "skills": [{"skill": "没有这种技能", "years": 99}]}, {}, 400, "validation_error"),
    ("anonymous write", "anonymous", "post", "/api/v1/programs/", new_program, {}, 401, "not_authenticated"),
    ("bad token on a public read", "anonymous", "get", "/api/v1/programs/", None,
     {"HTTP_AUTHORIZATION": "Token not-a-token"}, 401, "token_invalid"),
    ("not theirs to change", "worker_a", "patch", "/api/v1/programs/{prog_a}/", lambda i: {"hours": 90}, {}, 403,
     "permission_denied"),
    ("invisible row", "worker_b", "get", "/api/v1/enrolments/{enrol_a}/", None, {}, 404, "not_found"),
    ("id that is no number", "admin", "get", "/api/v1/programs/abc/", None, {}, 404, "not_found"),
    ("page past the last", "anonymous", "get", "/api/v1/programs/?page=99", None, {}, 404, "not_found"),
    ("second profile", "worker_a", "post", "/api/v1/workers/", new_worker, {}, 409, "profile_exists"),
    ("unacceptable Accept", "anonymous", "get", "/api/v1/programs/", None, {"HTTP_ACCEPT": "text/csv"}, 406,
     "not_acceptable"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "role", "method", "url", "body", "extra", "status", "code"), ERRORS,
                         ids=[e[0] for e in ERRORS])  # fmt: skip
def test_real_error_bodies_match_the_documented_error(
    openapi, name, role, method, url, body, extra, status, code
):
    world = build_world()
    url = url.format(**world.ids)
    data = body(world.ids) if body else None
    response = getattr(_client(world, role), method)(url, data, format="json", **extra)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    _validate(openapi, response.json())
    assert response.json()["code"] == code
    assert str(status) in _template(openapi, method, url)["responses"], f"{status} undocumented for {url}"


def test_nested_field_problems_are_named_by_their_path(openapi):
    world = build_world()
    body = {**new_worker(world.ids), "skills": [{"skill": "没有这种技能", "years": 99}]}
    fields = _client(world, "staff_x").post("/api/v1/workers/", body, format="json").json()["fields"]
    assert {"skills.0.skill", "skills.0.years"} <= set(fields)


def test_unsupported_media_type_is_the_documented_error(openapi):
    client = _client(build_world(), "admin")
    response = client.post("/api/v1/programs/", "hours=1", content_type="text/plain")
    assert response.status_code == 415
    _validate(openapi, response.json())
    assert "415" in openapi["paths"]["/api/v1/programs/"]["post"]["responses"]


def test_throttled_is_the_documented_error_with_its_header(openapi, settings, monkeypatch):
    settings.CACHES = LOCMEM
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    client = APIClient()
    assert client.get("/api/v1/skills/").status_code == 200
    response = client.get("/api/v1/skills/")
    assert response.status_code == 429
    _validate(openapi, response.json())
    assert response.json()["code"] == "throttled"
    documented = openapi["paths"]["/api/v1/skills/"]["get"]["responses"]["429"]
    assert int(response["Retry-After"]) > 0
    assert "Retry-After" in documented["headers"]


def test_the_error_component_refuses_other_shapes(openapi):
    _validate(openapi, {"code": "not_found", "message": "未找到该记录。", "fields": {}})
    for wrong in ({"detail": "Not found."}, {"code": "x", "message": "y"},
                  {"code": "x", "message": "y", "fields": {"a": ["bare string"]}}):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError):
            _validate(openapi, wrong)


def test_an_unmatched_url_outside_the_api_still_gets_the_site_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
