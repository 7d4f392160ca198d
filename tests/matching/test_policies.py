"""matching.policies: who may review, manage runs, activate a model, see review details."""

from __future__ import annotations

import pytest

from matching import policies
from matching.models import ModelVersion
from matching.services import runs

from .world import ROLES, X, Y, build_world

pytestmark = pytest.mark.django_db

STAFF = {"staff_x", "staff_y", "admin"}


def test_only_county_staff_or_an_admin_review_a_workers_suggestions():
    world = build_world()
    worker_x = world.workers["worker_a"]  # lives in X
    assert worker_x.current_division_id == X
    allowed = {role for role in ROLES if policies.can_review_suggestions(world.user(role), worker_x)}
    assert allowed == {"staff_x", "admin"}


def test_runs_are_seen_and_managed_by_their_centre_and_admins():
    world = build_world()
    run_x = runs.matching_run_create(kind="job", county_codes=[X], started_by=world.user("staff_x"))
    run_y = runs.matching_run_create(kind="job", county_codes=[Y], started_by=world.user("staff_y"))
    for run, centre in ((run_x, "staff_x"), (run_y, "staff_y")):
        assert {r for r in ROLES if policies.can_see_run(world.user(r), run)} == {centre, "admin"}
        assert {r for r in ROLES if policies.can_manage_run(world.user(r), run)} == {centre, "admin"}


def test_model_versions_and_review_details_are_for_staff_activation_for_admins():
    world = build_world()
    version = ModelVersion.objects.create(name="policy-test", kind=ModelVersion.Kind.BASELINE)
    assert {r for r in ROLES if policies.can_see_model_versions(world.user(r))} == STAFF
    assert {r for r in ROLES if policies.can_see_review_details(world.user(r))} == STAFF
    assert {r for r in ROLES if policies.can_preview_matching(world.user(r))} == STAFF
    assert {r for r in ROLES if policies.can_activate_model_version(world.user(r), version)} == {"admin"}


def test_visible_suggestions_is_none_for_roles_that_see_none():
    world = build_world()
    assert policies.visible_suggestions(world.user("provider")) is None
    assert policies.visible_suggestions(world.user("anonymous")) is None
    assert policies.visible_runs(world.user("worker_a")) is None
