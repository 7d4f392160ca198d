"""Batch runs hold a lease renewed by a heartbeat thread: a run whose worker died is resumable at
once and resumed by the frequent sweep; an executor taken over commits nothing more."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.common import leases
from matching import tasks
from matching.models import MatchingRun, Suggestion
from matching.services import runs
from tests import factories as f
from tests.matching.world import X, Y, build_world, give_skills, occ


def _cooks(n: int) -> None:
    for _ in range(n):
        worker = f.WorkerProfileFactory(current_division=f.division(X), consent_share_with_employers=True)
        worker.desired_occupations.set([occ("chinese-cook")])
        give_skills(worker, "wok-cooking")


def _stored() -> set[tuple[int, str, int | None]]:
    return {(s.worker_id, s.kind, s.item_id) for s in Suggestion.objects.filter(status="pending")}


def _lease(run_id: int) -> dt.datetime | None:
    return MatchingRun.objects.values_list("lease_expires_at", flat=True).get(pk=run_id)


def _died(run: MatchingRun) -> int:
    """A worker claimed the run and died: its heartbeat stopped more than a lease ago."""
    attempt = runs._claim(run.pk)
    assert attempt is not None
    MatchingRun.objects.filter(pk=run.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    return attempt


def _heartbeat_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("lease-") and t.is_alive()]


def _wait_for(condition, timeout: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)  # the heartbeat's own connection sees committed rows only
def test_the_heartbeat_renews_the_lease_while_a_chunk_is_slow(settings, monkeypatch):
    build_world()
    run = runs.matching_run_create(kind="job", county_codes=[X])
    settings.SKILLBRIDGE_JOB_HEARTBEAT_SECONDS = 0.05
    real = runs.recommend_batch
    seen: list[tuple[dt.datetime | None, bool]] = []

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        # A chunk that takes longer than a heartbeat: the lease moves on while it computes.
        before = _lease(run.pk)
        seen.append((before, _wait_for(lambda: _lease(run.pk) != before)))
        return real(*args, **kwargs)

    monkeypatch.setattr(runs, "recommend_batch", slow)
    done = runs.matching_run_execute(run_id=run.pk)

    assert done is not None
    assert done.status == MatchingRun.Status.SUCCEEDED, done.error
    assert seen
    assert seen[0][0] is not None
    assert all(renewed for _, renewed in seen), "the lease was not renewed during the chunk"
    assert not _heartbeat_threads()  # the thread (and its connection) ended with the run
    assert done.lease_expires_at is None


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_resumable_at_once_not_409(django_capture_on_commit_callbacks):
    world = build_world()
    run = runs.matching_run_create(kind="job", county_codes=[X], started_by=world.user("staff_x"))
    client = APIClient()
    client.force_authenticate(world.user("staff_x"))
    attempt = runs._claim(run.pk)
    # A run whose worker is alive (its lease still runs) is not resumed twice.
    assert client.post(f"/api/v1/matching/runs/{run.pk}/resume/").status_code == 409

    MatchingRun.objects.filter(pk=run.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    shown = client.get(f"/api/v1/matching/runs/{run.pk}/").json()
    assert (shown["status"], shown["interrupted"], shown["status_label"]) == (
        "running",
        True,
        "已中断，正在恢复",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/matching/runs/{run.pk}/resume/")

    assert response.status_code == 200, response.content
    done = MatchingRun.objects.get(pk=run.pk)
    assert (done.status, done.attempt) == (MatchingRun.Status.SUCCEEDED, attempt + 1)
    assert done.processed_workers == done.total_workers


@pytest.mark.django_db
def test_the_frequent_sweep_resumes_only_runs_whose_lease_expired(django_capture_on_commit_callbacks):
    build_world()
    _cooks(2)
    dead = runs.matching_run_create(kind="job", county_codes=[X])
    _died(dead)
    alive = MatchingRun.objects.create(kind="job", county_codes=[Y])
    runs._claim(alive.pk)
    waiting = MatchingRun.objects.create(kind="job", all_counties=True)  # pending, its task on the way

    with django_capture_on_commit_callbacks(execute=True):  # its task is relayed from the outbox
        assert tasks.resume_expired() == [dead.pk]

    states = dict(MatchingRun.objects.values_list("pk", "status"))
    assert states == {dead.pk: "succeeded", alive.pk: "running", waiting.pk: "pending"}
    assert tasks.resume_expired() == []


@pytest.mark.django_db
def test_an_executor_taken_over_mid_chunk_commits_nothing(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    build_world()
    _cooks(3)
    run = runs.matching_run_create(kind="job", county_codes=[X])
    real = runs.recommend_batch
    calls = {"n": 0}

    def stalls(*args, **kwargs):  # type: ignore[no-untyped-def]
        # The first executor stalls in its first chunk past its lease; meanwhile the sweep gives
        # the run to a second executor (in-process here), which finishes it.
        calls["n"] += 1
        if calls["n"] == 1:
            MatchingRun.objects.filter(pk=run.pk).update(
                lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
            )
            with django_capture_on_commit_callbacks(execute=True):  # relayed from the outbox
                assert tasks.resume_expired() == [run.pk]
        return real(*args, **kwargs)

    monkeypatch.setattr(runs, "recommend_batch", stalls)
    first = runs.matching_run_execute(run_id=run.pk, chunk_size=2)

    # The first executor's chunk was discarded: every worker counted once, every suggestion once.
    assert f"matching run {run.pk}: attempt 1 was taken over" in caplog.text
    assert first is not None
    assert (first.status, first.attempt) == (MatchingRun.Status.SUCCEEDED, 2)
    assert first.processed_workers == first.total_workers == 5
    pairs = [(s.worker_id, s.kind, s.item_id) for s in Suggestion.objects.all()]
    assert len(pairs) == len(set(pairs)) == first.suggestions_created
    stored = _stored()
    monkeypatch.setattr(runs, "recommend_batch", real)
    check = runs.matching_run_execute(run_id=runs.matching_run_create(kind="job", county_codes=[X]).pk)
    assert check is not None
    assert (check.suggestions_created, check.suggestions_withdrawn) == (0, 0)
    assert _stored() == stored


@pytest.mark.django_db
def test_a_cancelled_run_stops_its_heartbeat_and_its_lease_is_not_renewed():
    build_world()
    run = runs.matching_run_create(kind="job", county_codes=[X])
    attempt = runs._claim(run.pk)
    assert attempt is not None
    assert leases.renew(MatchingRun, run.pk, attempt)
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRun.Status.CANCELLED)
    assert not leases.renew(MatchingRun, run.pk, attempt)


@pytest.mark.django_db
def test_an_interrupted_run_is_labelled_until_a_worker_takes_it_again():
    build_world()
    run = runs.matching_run_create(kind="job", county_codes=[X])
    assert (run.interrupted, run.status_label) == (False, "排队中")
    _died(run)
    run.refresh_from_db()
    assert (run.status, run.interrupted, run.status_label) == ("running", True, "已中断，正在恢复")
    runs.matching_run_reopen(run=run)  # what the sweep does before re-sending it
    run.refresh_from_db()
    assert (run.status, run.interrupted, run.status_label) == ("pending", True, "已中断，正在恢复")
    runs._claim(run.pk)
    run.refresh_from_db()
    assert (run.status, run.interrupted, run.status_label) == ("running", False, "运行中")
