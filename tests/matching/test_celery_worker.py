"""A batch run started through the API is executed by a real Celery worker on the same database."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matching.models import MatchingRun, Suggestion
from tests.celery_worker import real_worker, wait_until

from .world import build_world


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_batch_run_is_executed_by_a_real_worker():
    world = build_world()
    client = APIClient()
    client.force_authenticate(world.user("staff_x"))
    with real_worker():
        response = client.post("/api/v1/matching/runs/", {"kind": "both"}, format="json")
        assert response.status_code == 202, response.content
        run_id = response.json()["id"]
        wait_until(
            lambda: (
                MatchingRun.objects.get(pk=run_id).status
                in (MatchingRun.Status.SUCCEEDED, MatchingRun.Status.FAILED)
            ),
            what="the worker to finish the matching run",
        )
    run = MatchingRun.objects.get(pk=run_id)
    assert run.status == MatchingRun.Status.SUCCEEDED, run.error
    assert run.processed_workers == run.total_workers == 2
    assert Suggestion.objects.filter(run=run).count() == run.suggestions_created > 0
    progress = client.get(f"/api/v1/matching/runs/{run_id}/").json()
    assert progress["progress"] == 1.0
    assert progress["model_version"]
