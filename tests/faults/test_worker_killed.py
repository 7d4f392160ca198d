"""kill -9 of the worker running a batch matching run: with the default lease settings (renewed
every 10 s, expiring after 60 s) the frequent sweep resumes it on another worker within 2 minutes,
and it finishes with exactly the suggestions an uninterrupted run stores (none twice, none missing).

Run with -s to see the figures: seconds from the kill to the run running again, and to finished.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from backend.workers.models import WorkerProfile
from matching import tasks
from matching.models import MatchingRun, Suggestion, SuggestionEvent
from matching.services import runs
from tests import factories as f
from tests.celery_worker import dedicated_workers, real_worker, routed_to, wait_until
from tests.matching.world import X, build_world, give_skills, occ

COOKS = 60
CHUNK = 3  # small chunks, so the run is still going when the worker is killed
RESUMED_WITHIN = 120  # seconds from the kill (the bound)


def beat_period(task: str) -> float:
    """How often celery beat sends `task` (CELERY_BEAT_SCHEDULE)."""
    entry = next(e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == task)
    return float(entry["schedule"])


def beat_until(
    sweep: Callable[[], object], done: Callable[[], bool], *, period: float, timeout: float
) -> float:
    """Call the sweep every `period` seconds, as celery beat would, until `done()`; the seconds taken."""
    start = time.monotonic()
    next_beat = start
    while time.monotonic() - start < timeout:
        if time.monotonic() >= next_beat:
            sweep()
            next_beat += period
        if done():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"not done {timeout:.0f}s after the kill, sweeping every {period:.0f}s")


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
    postgres, tmp_path, fresh_matching_engine
):
    lease = (django_settings.SKILLBRIDGE_JOB_HEARTBEAT_SECONDS, django_settings.SKILLBRIDGE_JOB_LEASE_SECONDS)
    assert lease == (10, 60)  # the defaults: nothing shortened for the test
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
        killed_at = time.monotonic()
        killed = MatchingRun.objects.get(pk=run.pk)
        assert killed.status == MatchingRun.Status.RUNNING, doomed.log()[-2000:]
        assert 0 < killed.processed_workers < killed.total_workers
        assert killed.attempt == 1
        assert {s.worker_id for s in Suggestion.objects.all()} <= set(
            WorkerProfile.objects.filter(pk__lte=killed.cursor).values_list("pk", flat=True)
        )  # nothing of the chunk it died in

        assert killed.lease_expires_at is not None
        assert killed.lease_expires_at > timezone.now()
        assert not killed.interrupted  # its lease still runs: nobody can tell it from a slow chunk yet

        # When its lease expires and the frequent sweep (every 20 s, as beat sends it) finds it;
        # the task it sends goes to the other worker (the killed one's message waits out Redis's
        # visibility timeout).
        def resumed() -> bool:
            now = MatchingRun.objects.get(pk=run.pk)
            return now.attempt == 2 and now.status != MatchingRun.Status.PENDING

        with routed_to(spare_queue):
            beat_until(tasks.resume_expired, resumed, period=beat_period("matching.resume_expired"),
                       timeout=RESUMED_WITHIN)  # fmt: skip
        resumed_after = time.monotonic() - killed_at
        wait_until(
            lambda: MatchingRun.objects.get(pk=run.pk).finished_at is not None,
            what="the other worker to finish the resumed run",
        )
        finished_after = time.monotonic() - killed_at
    print(f"\ndead run: kill -9 -> running again on another worker {resumed_after:.1f} s, "
          f"-> finished {finished_after:.1f} s")  # fmt: skip
    assert resumed_after < RESUMED_WITHIN

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
    fresh_matching_engine, django_capture_on_commit_callbacks
):
    build_world()
    _cooks(2)
    run = runs.matching_run_create(kind="job", county_codes=[X])
    # Given an executor that claimed the run and then went silent past its lease.
    first = runs._claim(run.pk)
    assert first == 1
    MatchingRun.objects.filter(pk=run.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))

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


IMPORT_ROWS = 6_000  # seconds of checking and writing, so the kill lands mid-import


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_is_run_again_by_the_sweep_on_another_worker(postgres, tmp_path):
    from django.core.files.base import ContentFile

    from backend.accounts.models import User
    from backend.imports import tasks as import_tasks
    from backend.imports.models import ImportJob
    from backend.jobs.models import Posting
    from tests.backend.imports.helpers import POSTING_HEADERS, posting_row, write_table

    employer = f.EmployerFactory()
    rows = [posting_row(n, employer.external_id) for n in range(IMPORT_ROWS)]
    path = write_table(tmp_path, "csv", POSTING_HEADERS, rows)
    job = ImportJob(kind="postings", filename="big.csv", created_by=f.UserFactory(role=User.Role.ADMIN))
    job.file.save("fault-big.csv", ContentFile(path.read_bytes()), save=False)  # the workers' MEDIA_ROOT
    job.save()
    doomed_queue, spare_queue = (f"fault-{name}-{uuid.uuid4().hex[:8]}" for name in ("doomed", "spare"))
    try:
        with real_worker(), dedicated_workers(doomed_queue, spare_queue, log_dir=tmp_path) as (doomed, _):
            # Given a worker that dies (kill -9) while it imports the file.
            import_tasks.run_import.apply_async((job.pk,), queue=doomed_queue)
            wait_until(
                lambda: ImportJob.objects.get(pk=job.pk).status == "running", what="the import to start"
            )
            time.sleep(1)  # into the checking of the rows
            doomed.kill()
            killed_at = time.monotonic()
            killed = ImportJob.objects.get(pk=job.pk)
            assert (killed.status, killed.attempt) == ("running", 1), doomed.log()[-2000:]
            assert not Posting.objects.exists()  # all rows or none: nothing of it was committed

            # When its lease expires and the frequent sweep finds it, another worker imports it again.
            with routed_to(spare_queue):
                beat_until(import_tasks.resume_expired, lambda: ImportJob.objects.get(pk=job.pk).attempt == 2,
                           period=beat_period("imports.resume_expired"), timeout=RESUMED_WITHIN)  # fmt: skip
            resumed_after = time.monotonic() - killed_at
            wait_until(lambda: ImportJob.objects.get(pk=job.pk).finished_at is not None, timeout=120,
                       what="the other worker to finish the import")  # fmt: skip
        print(f"\ndead import: kill -9 -> running again {resumed_after:.1f} s, "
              f"-> finished {time.monotonic() - killed_at:.1f} s")  # fmt: skip

        # Then every row is imported once.
        done = ImportJob.objects.get(pk=job.pk)
        assert (done.status, done.attempt) == ("succeeded", 2), done.errors[:3]
        assert done.created_count == Posting.objects.filter(employer=employer).count() == IMPORT_ROWS
    finally:
        job.file.delete(save=False)
