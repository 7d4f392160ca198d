"""kill -9 of the worker running a batch matching run: the run still finishes, with exactly the
suggestions an uninterrupted run stores (none twice, none missing)."""

from __future__ import annotations

import time
import uuid

import pytest

from backend.workers.models import WorkerProfile
from matching import tasks
from matching.models import MatchingRun, Suggestion, SuggestionEvent
from matching.services import runs
from tests import factories as f
from tests.celery_worker import dedicated_workers, real_worker, routed_to, wait_until
from tests.matching.world import X, build_world, give_skills, occ

COOKS = 60
CHUNK = 3  # small chunks, so the run is still going when the worker is killed


def _cooks(n: int) -> None:
    for _ in range(n):
        worker = f.WorkerProfileFactory(current_division=f.division(X), consent_share_with_employers=True)
        worker.desired_occupations.set([occ("chinese-cook")])
        give_skills(worker, "wok-cooking")


def _stored() -> set[tuple[int, str, int | None]]:
    return {(s.worker_id, s.kind, s.item_id) for s in Suggestion.objects.filter(status="pending")}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_is_killed_is_resumed_by_the_sweep_on_another_worker(
    postgres, settings, tmp_path, fresh_matching_engine
):
    build_world()
    _cooks(COOKS)
    run = runs.matching_run_create(kind="both", county_codes=[X])
    assert run.total_workers == COOKS + 2
    doomed_queue, spare_queue = (f"fault-{name}-{uuid.uuid4().hex[:8]}" for name in ("doomed", "spare"))

    with real_worker(), dedicated_workers(doomed_queue, spare_queue, log_dir=tmp_path) as (doomed, _):
        # Given a worker that dies (kill -9, no warm shutdown) after committing some of the run's chunks.
        tasks.execute_run.apply_async((run.pk,), {"chunk_size": CHUNK}, queue=doomed_queue)
        wait_until(lambda: MatchingRun.objects.get(pk=run.pk).cursor > 0, what="the run's first chunk")
        doomed.kill()
        killed = MatchingRun.objects.get(pk=run.pk)
        assert killed.status == MatchingRun.Status.RUNNING, doomed.log()[-2000:]
        assert 0 < killed.processed_workers < killed.total_workers
        assert killed.attempt == 1
        assert {s.worker_id for s in Suggestion.objects.all()} <= set(
            WorkerProfile.objects.filter(pk__lte=killed.cursor).values_list("pk", flat=True)
        )  # nothing of the chunk it died in

        # When its heartbeat (a committed chunk) is overdue and the sweep runs; the task it sends
        # goes to the other worker (the killed one's message waits out Redis's visibility timeout).
        settings.MATCHING_RUN_STALE_SECONDS = 1
        time.sleep(1.1)
        with routed_to(spare_queue):
            assert tasks.sweep()["recovered_runs"] == [run.pk]
        wait_until(
            lambda: MatchingRun.objects.get(pk=run.pk).finished_at is not None,
            what="the other worker to finish the resumed run",
        )

    # Then it finishes from its cursor: every worker counted once, every suggestion stored once.
    done = MatchingRun.objects.get(pk=run.pk)
    assert done.status == MatchingRun.Status.SUCCEEDED, done.error
    assert done.attempt == 2
    assert done.processed_workers == done.total_workers
    pairs = [(s.worker_id, s.kind, s.item_id) for s in Suggestion.objects.all()]
    assert len(pairs) == len(set(pairs)) == done.suggestions_created
    assert SuggestionEvent.objects.filter(action="created").count() == done.suggestions_created
    assert {w for w, _, _ in pairs} == set(runs.run_workers(done).values_list("pk", flat=True))

    # And an uninterrupted run of the same inputs, here and now, finds nothing to add or withdraw.
    stored = _stored()
    check = runs.matching_run_execute(run_id=runs.matching_run_create(kind="both", county_codes=[X]).pk)
    assert check is not None
    assert check.status == MatchingRun.Status.SUCCEEDED, check.error
    assert (check.suggestions_created, check.suggestions_withdrawn) == (0, 0)
    assert check.suggestions_updated == len(stored)
    assert _stored() == stored


@pytest.mark.django_db
def test_an_executor_that_was_taken_over_writes_no_further_chunk(
    settings, fresh_matching_engine, django_capture_on_commit_callbacks
):
    build_world()
    _cooks(2)
    run = runs.matching_run_create(kind="job", county_codes=[X])
    # Given an executor that claimed the run and then went silent past the heartbeat limit.
    first = runs._claim(run.pk)
    assert first == 1
    settings.MATCHING_RUN_STALE_SECONDS = 0

    # When the sweep gives the run to another executor (here in-process), which finishes it.
    with django_capture_on_commit_callbacks(execute=True):  # its task is relayed from the outbox on commit
        assert tasks.sweep()["recovered_runs"] == [run.pk]
    done = MatchingRun.objects.get(pk=run.pk)
    assert (done.status, done.attempt) == (MatchingRun.Status.SUCCEEDED, 2)
    stored = _stored()

    # Then the first executor, waking up, finds the run no longer its own and writes nothing.
    model, ranker = runs.engine.active_model()
    assert runs._run_chunk(run.pk, first, runs.CHUNK_SIZE, model, ranker) is False
    assert _stored() == stored
    assert MatchingRun.objects.get(pk=run.pk).processed_workers == done.total_workers
