"""Request bodies the API cannot take are refused in its error format, never with a 500."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(f.UserFactory(role=User.Role.ADMIN))
    return client


def _post(client, body: str, **extra):
    return client.post("/api/v1/postings/", data=body, content_type="application/json", **extra)


def _nested(depth: int) -> str:
    return '{"title": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def test_deeply_nested_json_is_a_400_not_a_500(admin_client):
    for body in ("[" * 100_000 + "]" * 100_000, "{" * 50_000, _nested(401)):
        response = _post(admin_client, body)

        assert response.status_code == 400
        assert response.json()["code"] == "json_too_deep"
        assert "400" in response.json()["message"]


def test_the_depth_limit_is_a_setting_and_its_message_follows_the_language(admin_client, settings):
    settings.SKILLBRIDGE_JSON_MAX_DEPTH = 3
    response = _post(admin_client, _nested(4))
    assert response.json()["code"] == "json_too_deep"
    assert "3" in response.json()["message"]

    assert _post(admin_client, _nested(3)).json()["code"] == "validation_error"  # parsed: a bad title


def test_nesting_up_to_the_limit_is_parsed(admin_client):
    response = _post(admin_client, _nested(400))

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "title" in response.json()["fields"]


def test_brackets_inside_a_string_are_text_not_nesting(admin_client):
    response = _post(admin_client, json.dumps({"title": "[" * 10_000}))

    assert response.json()["code"] == "validation_error"  # not json_too_deep


def test_malformed_json_is_still_a_parse_error(admin_client):
    for body in (b'{"title": ', b"\xff\xfe[", b"[NaN]"):
        response = _post(admin_client, body)
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"


def test_a_body_over_the_upload_limit_is_a_400_in_the_api_format(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _post(admin_client, json.dumps({"title": "x" * 20_000}))

    assert response.status_code == 400
    assert response.json()["code"] == "request_too_large"
    assert response.json()["message"] == "请求内容过大。"
