"""Batch runs: chunked, idempotent, resumable, scoped; outcomes recorded back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from backend.common.errors import Conflict, PermissionDenied
from backend.jobs.models import Application, Posting
from backend.jobs.services import application_update
from backend.workers.models import WorkerProfile
from matching.core.features import FEATURE_NAMES
from matching.core.rankers import BASELINE_VERSION, BaselineRanker
from matching.models import MatchingRun, Suggestion, SuggestionEvent
from matching.services import outcomes, review, runs
from tests import factories as f

from .world import X, Y, build_world, give_skills, occ

pytestmark = pytest.mark.django_db


def _more_cooks(n: int) -> list[WorkerProfile]:
    workers = []
    for _ in range(n):
        w = f.WorkerProfileFactory(current_division=f.division(X), consent_share_with_employers=True)
        w.desired_occupations.set([occ("chinese-cook")])
        give_skills(w, "wok-cooking")
        workers.append(w)
    return workers


def _run(actor, kind="both", county_codes=None) -> MatchingRun:
    run = runs.matching_run_start(actor=actor, kind=kind, county_codes=county_codes)
    run.refresh_from_db()
    return run


def _snapshot() -> dict[int, tuple]:
    return {
        s.pk: (s.worker_id, s.kind, s.item_id, s.status, s.score, s.run_id, s.updated_at)
        for s in Suggestion.objects.all()
    }


def test_a_run_skips_items_deleted_since_the_catalogue_was_built(
    settings, django_capture_on_commit_callbacks
):
    """A catalogue in memory may be older than the rows: a deleted posting is not suggested, and
    the run does not fail on its foreign key."""
    world = build_world()
    settings.MATCHING_REBUILD_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=True):
        first = _run(world.user("staff_x"), kind="job")
    first.refresh_from_db()
    cook = world.postings["cook_x"]
    assert Suggestion.objects.filter(run=first, posting=cook).exists()
    Suggestion.objects.filter(posting=cook).delete()
    Application.objects.filter(posting=cook).delete()
    cook.delete()  # the catalogue is too young to be rebuilt: it still offers the posting
    with django_capture_on_commit_callbacks(execute=True):
        second = _run(world.user("staff_x"), kind="job")
    second.refresh_from_db()
    assert second.status == MatchingRun.Status.SUCCEEDED, second.error
    assert second.processed_workers == second.total_workers == 2
    assert not Suggestion.objects.filter(run=second, posting_id=cook.pk).exists()


def test_a_run_stores_each_workers_top_suggestions_with_model_version_and_run(
    django_capture_on_commit_callbacks,
):
    world = build_world()
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(world.user("staff_x"))
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.SUCCEEDED, run.error
    assert run.all_counties is False
    assert X in run.county_codes
    # Workers of county X who consented to data processing: A and C (B lives in Y).
    assert (run.total_workers, run.processed_workers, run.progress) == (2, 2, 1.0)
    suggestions = Suggestion.objects.all()
    assert {s.worker_id for s in suggestions} == {world.workers["worker_a"].pk, world.workers["worker_c"].pk}
    assert run.suggestions_created == suggestions.count() > 0
    assert all(s.model_version.name == BASELINE_VERSION and s.run_id == run.pk for s in suggestions)
    assert all(s.status == "pending" and s.explanation.get("summary") for s in suggestions)
    # Each logs the feature row it was scored on, for train_ranker; the baseline's score is their
    # weighted sum, so the stored row is the one that produced the stored score.
    baseline = BaselineRanker()
    for s in suggestions:
        assert len(s.features) == len(FEATURE_NAMES)
        assert baseline.score(np.array([s.features]))[0] == pytest.approx(s.score, abs=1e-3)
    for worker in world.workers.values():
        assert suggestions.filter(worker=worker, kind="job").count() <= run.jobs_per_worker
        assert suggestions.filter(worker=worker, kind="training").count() <= run.trainings_per_worker
    assert suggestions.filter(worker=world.workers["worker_a"], posting=world.postings["cook_x"]).exists()
    created = SuggestionEvent.objects.filter(action="created")
    assert created.count() == suggestions.count()
    assert {e.model_version_id for e in created} == {run.model_version_id}


def test_workers_who_did_not_consent_to_data_processing_are_not_batch_matched():
    world = build_world()
    world.workers["worker_c"].consent_data_processing = False
    world.workers["worker_c"].save()
    run = runs.matching_run_create(kind="job", county_codes=[X])
    runs.matching_run_execute(run_id=run.pk)
    assert not Suggestion.objects.filter(worker=world.workers["worker_c"]).exists()
    assert Suggestion.objects.filter(worker=world.workers["worker_a"]).exists()


def test_running_twice_is_idempotent_and_leaves_reviewed_suggestions_alone():
    world = build_world()
    _more_cooks(3)
    first = runs.matching_run_create(kind="both", county_codes=None)
    runs.matching_run_execute(run_id=first.pk, chunk_size=2)
    count = Suggestion.objects.count()
    a = world.workers["worker_a"]
    approved = Suggestion.objects.get(worker=a, posting=world.postings["cook_x"])
    review.suggestion_review(actor=world.user("staff_x"), suggestion=approved, decision="approve")
    rejected = Suggestion.objects.filter(worker=a, kind="training").first()
    review.suggestion_review(
        actor=world.user("staff_x"), suggestion=rejected, decision="reject", reason_code="too_far"
    )
    reviewed_before = {pk: row for pk, row in _snapshot().items() if pk in (approved.pk, rejected.pk)}

    second = runs.matching_run_create(kind="both", county_codes=None)
    second = runs.matching_run_execute(run_id=second.pk, chunk_size=2)
    assert second.status == "succeeded"
    assert Suggestion.objects.count() == count
    assert second.suggestions_created == 0
    after = _snapshot()
    for pk, row in reviewed_before.items():
        assert after[pk] == row  # untouched: same run, score, status and updated_at
    # Pending ones were refreshed by the second run.
    assert Suggestion.objects.filter(status="pending", run=second).count() == count - 2
    # No (worker, item) pair is suggested twice.
    pairs = [(s.worker_id, s.kind, s.item_id) for s in Suggestion.objects.all()]
    assert len(pairs) == len(set(pairs))


def test_a_run_resumes_from_its_cursor_after_a_crash():
    build_world()
    _more_cooks(4)
    reference = runs.matching_run_create(kind="job", county_codes=[X])
    runs.matching_run_execute(run_id=reference.pk, chunk_size=2)
    expected = {(s.worker_id, s.posting_id) for s in Suggestion.objects.all()}
    ids = list(runs.run_workers(reference).order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 6

    # Given a run that crashed after its first chunk: that chunk's suggestions committed with
    # the cursor at its last worker, the rest not, and the run left "running" by a dead worker.
    Suggestion.objects.exclude(worker_id__in=ids[:2]).delete()
    run = runs.matching_run_create(kind="job", county_codes=[X])
    MatchingRun.objects.filter(pk=run.pk).update(
        status="running", cursor=ids[1], processed_workers=2, started_at=timezone.now() - dt.timedelta(hours=1),
        updated_at=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip

    # When it is executed again (a redelivered task, or the sweep), it goes on from the cursor.
    resumed = runs.matching_run_execute(run_id=run.pk, chunk_size=2)
    assert resumed.status == "succeeded"
    assert resumed.processed_workers == 6
    assert resumed.cursor == ids[-1]
    assert {(s.worker_id, s.posting_id) for s in Suggestion.objects.all()} == expected
    assert not Suggestion.objects.filter(run=run, worker_id__in=ids[:2]).exists()  # chunk 1 not redone


def test_a_failed_chunk_rolls_back_and_the_run_can_be_resumed(
    monkeypatch, django_capture_on_commit_callbacks
):
    world = build_world()
    _more_cooks(3)
    real = runs.recommend_batch
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(runs, "recommend_batch", flaky)
    run = runs.matching_run_create(kind="job", county_codes=[X])
    run = runs.matching_run_execute(run_id=run.pk, chunk_size=2)
    assert run.status == "failed"
    assert "worker lost" in run.error
    assert run.processed_workers == 2
    assert set(Suggestion.objects.values_list("worker_id", flat=True)) <= set(
        runs.run_workers(run).order_by("pk").values_list("pk", flat=True)[:2]
    )
    # A running run that is not stale is not claimed twice.
    assert runs.matching_run_execute(run_id=run.pk) is None

    monkeypatch.setattr(runs, "recommend_batch", real)
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.matching_run_resume(actor=world.user("admin"), run=run)
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.processed_workers == run.total_workers == 5


def test_cancelled_runs_stop_and_do_not_restart():
    world = build_world()
    run = runs.matching_run_create(kind="job", county_codes=[X], started_by=world.user("staff_x"))
    runs.matching_run_cancel(actor=world.user("staff_x"), run=run)
    assert runs.matching_run_execute(run_id=run.pk) is None
    assert not Suggestion.objects.exists()
    with pytest.raises(Conflict):
        runs.matching_run_cancel(actor=world.user("staff_x"), run=run)


def test_a_pending_suggestion_for_a_posting_that_closed_is_withdrawn_by_the_next_run():
    world = build_world()
    runs.matching_run_execute(run_id=runs.matching_run_create(kind="job", county_codes=[X]).pk)
    cook = Suggestion.objects.get(worker=world.workers["worker_a"], posting=world.postings["cook_x"])
    Posting.objects.filter(pk=world.postings["cook_x"].pk).update(status="filled")
    run = runs.matching_run_execute(run_id=runs.matching_run_create(kind="job", county_codes=[X]).pk)
    cook.refresh_from_db()
    assert cook.status == "withdrawn"
    assert run.suggestions_withdrawn >= 1
    # Reopened: the same row comes back, never a second one.
    Posting.objects.filter(pk=world.postings["cook_x"].pk).update(status="published")
    runs.matching_run_execute(run_id=runs.matching_run_create(kind="job", county_codes=[X]).pk)
    cook.refresh_from_db()
    assert cook.status == "pending"
    assert (
        Suggestion.objects.filter(worker=world.workers["worker_a"], posting=world.postings["cook_x"]).count()
        == 1
    )


def test_who_may_start_a_run_and_on_which_counties():
    world = build_world()
    for role in ("worker_a", "provider", "employer", "anonymous"):
        with pytest.raises(PermissionDenied):
            runs.matching_run_start(actor=world.user(role), kind="job")
    with pytest.raises(PermissionDenied):
        runs.matching_run_start(actor=world.user("staff_x"), kind="job", county_codes=[Y])
    everywhere = runs.matching_run_create(kind="job", county_codes=None, started_by=world.user("admin"))
    assert everywhere.all_counties
    assert everywhere.total_workers == 3
    with pytest.raises(Conflict):  # overlapping with an unfinished run
        runs.matching_run_start(actor=world.user("staff_y"), kind="job")


def test_outcomes_follow_the_linked_application_and_enrolment():
    world = build_world()
    runs.matching_run_execute(run_id=runs.matching_run_create(kind="both", county_codes=[X]).pk)
    staff = world.user("staff_x")
    job = Suggestion.objects.get(worker=world.workers["worker_a"], posting=world.postings["cook_x"])
    job = review.suggestion_review(actor=staff, suggestion=job, decision="approve")
    assert job.outcome == "referred"
    assert job.application.source == "staff_referral"
    course = Suggestion.objects.filter(worker=world.workers["worker_a"], kind="training").first()
    course = review.suggestion_review(actor=staff, suggestion=course, decision="approve")
    assert course.outcome == "applied"
    assert course.enrolment is not None

    employer = f.UserFactory(role="employer_staff", employer=world.postings["cook_x"].employer)
    application_update(actor=employer, application=job.application, data={"status": "interview"})
    assert outcomes.outcomes_sync() == 0  # the direct hook recorded it already (test_outcome_hooks.py)
    job.refresh_from_db()
    assert job.outcome == "interview"
    assert job.outcome_at is not None
    event = SuggestionEvent.objects.filter(suggestion=job, action="outcome").get()
    assert event.outcome == "interview"
    assert event.model_version_id == job.model_version_id
    assert outcomes.outcomes_sync() == 0  # nothing changed since

    # A worker who applied on their own to a suggested posting: linked and recorded too.
    own = Suggestion.objects.filter(worker=world.workers["worker_a"], kind="job", status="pending").first()
    Application.objects.create(worker=own.worker, posting=own.posting, status_changed_at=timezone.now())
    outcomes.outcomes_sync()
    own.refresh_from_db()
    assert own.application is not None
    assert own.outcome == "applied"
