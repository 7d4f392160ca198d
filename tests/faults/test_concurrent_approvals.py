"""Many staff approving the same suggestions at once, each with their own database connection:
exactly one referral and one approval event per suggestion; the others get a clean 409."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from backend.jobs.models import Application
from matching.models import Suggestion, SuggestionEvent
from tests import factories as f
from tests.matching.world import X, build_world, make_suggestion

CLIENTS = 20


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as exc:  # reported as the result, asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung (deadlock?)"
    return results


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_of_one_suggestion_refer_the_worker_once(postgres):
    world = build_world()
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    staff = world.user("staff_x")
    url = f"/api/v1/suggestions/{suggestion.pk}/review/"

    responses = _at_once([lambda: _client(staff).post(url, {"decision": "approve"}, format="json")] * CLIENTS)

    statuses = Counter(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == {200: 1, 409: CLIENTS - 1}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"not_pending"}
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPROVED
    referral = Application.objects.get(worker=suggestion.worker, posting=suggestion.posting)
    assert suggestion.application == referral
    assert referral.source == Application.Source.STAFF_REFERRAL
    assert SuggestionEvent.objects.filter(suggestion=suggestion, action="approved").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bulk_reviews_of_the_same_ids_in_opposite_orders_do_not_deadlock(postgres):
    world = build_world()
    workers = [
        f.WorkerProfileFactory(current_division=f.division(X), consent_share_with_employers=True)
        for _ in range(8)
    ]
    ids = [make_suggestion(w, world.postings["cook_x"]).pk for w in workers]
    staff = world.user("staff_x")

    def bulk(order: list[int]) -> Callable[[], Any]:
        body = {"ids": order, "decision": "approve"}
        return lambda: _client(staff).post("/api/v1/suggestions/bulk-review/", body, format="json")

    responses = _at_once([bulk(ids), bulk(ids[::-1]), bulk(ids[2:] + ids[:2]), bulk(ids[::-2] + ids[::2])])

    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [200, 409, 409, 409], [getattr(r, "content", r) for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"bulk_review_failed"}
    assert set(Suggestion.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"approved"}
    assert Application.objects.filter(worker__in=workers).count() == len(ids)
    assert SuggestionEvent.objects.filter(suggestion_id__in=ids, action="approved").count() == len(ids)
