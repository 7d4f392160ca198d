"""The matching permission matrix: every role × endpoint, denials included.

Same conventions as tests/backend/api/test_permission_matrix.py: 401 for anonymous writes, 404
when the row is invisible to the role, 403 when it is visible but not theirs to change.
Service staff review the suggestions of workers living in their counties; a worker sees only
their approved suggestions; providers and employers see none.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.jobs.models import Application

from .world import ROLES, X, build_world, make_suggestion

STAFF = {"staff_x", "staff_y", "admin"}


def _world() -> tuple[Any, dict[str, int]]:
    world = build_world()
    a, b = world.workers["worker_a"], world.workers["worker_b"]
    ids = {
        "worker_a": a.pk,
        "sug_a": make_suggestion(a, world.postings["cook_x"]).pk,
        "sug_a_ok": make_suggestion(a, world.postings["helper_x"], status="approved").pk,
        "sug_a_course": make_suggestion(a, world.sessions["cantonese"]).pk,
        "sug_b": make_suggestion(b, world.postings["welder_y"]).pk,
    }
    return world, ids


VISIBLE = {
    "sug_a": {"staff_x", "admin"},
    "sug_a_ok": {"worker_a", "staff_x", "admin"},
    "sug_a_course": {"staff_x", "admin"},
    "sug_b": {"staff_y", "admin"},
    "worker_a": {"worker_a", "staff_x", "admin"},
    None: set(ROLES),
}

# (name, method, url, body, visible-key, roles that succeed, status on success)
CELLS: list[tuple[str, str, str, Any, str | None, set[str], int]] = [
    ("suggestion: read pending", "get", "/api/v1/suggestions/{sug_a}/", None, "sug_a", {"staff_x", "admin"}, 200),
    ("suggestion: read approved", "get", "/api/v1/suggestions/{sug_a_ok}/", None, "sug_a_ok",
     {"worker_a", "staff_x", "admin"}, 200),
    ("suggestion: approve job", "post", "/api/v1/suggestions/{sug_a}/review/", {"decision": "approve"}, "sug_a",
     {"staff_x", "admin"}, 200),
    ("suggestion: approve training", "post", "/api/v1/suggestions/{sug_a_course}/review/", {"decision": "approve"},
     "sug_a_course", {"staff_x", "admin"}, 200),
    ("suggestion: reject", "post", "/api/v1/suggestions/{sug_a}/review/",
     {"decision": "reject", "reason_code": "too_far"}, "sug_a", {"staff_x", "admin"}, 200),
    ("suggestion: reject in Y", "post", "/api/v1/suggestions/{sug_b}/review/",
     {"decision": "reject", "reason_code": "wage_too_low"}, "sug_b", {"staff_y", "admin"}, 200),
    ("suggestion: annotate approved", "post", "/api/v1/suggestions/{sug_a_ok}/annotate/", {"note": "已电话联系"},
     "sug_a_ok", {"staff_x", "admin"}, 200),
    ("suggestion: bulk review", "post", "/api/v1/suggestions/bulk-review/",
     {"ids": ["{sug_a}"], "decision": "reject", "reason_code": "other"}, None, {"staff_x", "admin"}, 200),
    ("worker: live recommendations", "get", "/api/v1/workers/{worker_a}/recommendations/?kind=job", None,
     "worker_a", {"worker_a", "staff_x", "admin"}, 200),
    ("matching: preview", "post", "/api/v1/matching/preview/", {"current_division": X, "kind": "training"}, None,
     STAFF, 200),
    ("matching: start a run", "post", "/api/v1/matching/runs/", {"kind": "job"}, None, STAFF, 202),
]  # fmt: skip


def expected_status(cell: tuple, role: str) -> int:
    _name, method, _url, _body, visible, allowed, ok = cell
    if role in allowed:
        return ok
    if method == "get":
        return 404
    if role == "anonymous":
        return 401
    if "bulk-review" in _url:
        return 409  # ids the role cannot see are reported one by one (not_found); nothing is applied
    return 403 if role in VISIBLE[visible] else 404


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        return ids[value[1:-1]] if value.startswith("{") and value[1:-1] in ids else value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cell", CELLS, ids=[c[0] for c in CELLS])
def test_matrix_cell(cell, role):
    world, ids = _world()
    name, method, url, body, *_ = cell
    client = APIClient()
    if world.user(role) is not None:
        client.force_authenticate(world.user(role))
    response = getattr(client, method)(url.format(**ids), _fill(body, ids), format="json")
    expected = expected_status(cell, role)
    assert response.status_code == expected, (
        f"{name} as {role}: {response.status_code} {response.content[:300]!r}"
    )
    if expected >= 400:
        assert set(response.json()) == {"code", "message", "fields"}


LISTS = {
    "anonymous": set(),
    "worker_a": {"sug_a_ok"},
    "worker_b": set(),
    "provider": set(),
    "employer": set(),
    "staff_x": {"sug_a", "sug_a_ok", "sug_a_course"},
    "staff_y": {"sug_b"},
    "admin": {"sug_a", "sug_a_ok", "sug_a_course", "sug_b"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_suggestions(role):
    world, ids = _world()
    client = APIClient()
    if world.user(role) is not None:
        client.force_authenticate(world.user(role))
    seen = {row["id"] for row in client.get("/api/v1/suggestions/", {"page_size": 100}).json()["results"]}
    assert {name for name, pk in ids.items() if pk in seen and name.startswith("sug")} == LISTS[role]
    me = client.get("/api/v1/me/suggestions/")
    if role == "anonymous":
        assert me.status_code == 401
    else:
        mine = {row["id"] for row in me.json()["results"]}
        assert mine == ({ids["sug_a_ok"]} if role == "worker_a" else set())


@pytest.mark.django_db
def test_staff_of_another_county_cannot_approve_even_by_calling_the_service():
    from backend.common.errors import PermissionDenied
    from matching.models import Suggestion
    from matching.services import review

    world, ids = _world()
    suggestion = Suggestion.objects.get(pk=ids["sug_a"])
    for role in ("staff_y", "worker_a", "provider", "employer"):
        with pytest.raises(PermissionDenied):
            review.suggestion_review(actor=world.user(role), suggestion=suggestion, decision="approve")
    assert not Application.objects.filter(worker_id=ids["worker_a"], posting=suggestion.posting_id).exists()
