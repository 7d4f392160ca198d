"""Time to detect and resume a dead batch run: kill -9 of its worker mid-run, then the frequent
sweep (sent every 20 s by beat, here called on that period from this process, at a random phase)
resumes it on another worker. Needs PostgreSQL and Redis, like the fault tests. Run on demand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python -m pytest tests/benchmarks/bench_dead_run.py -p no:cacheprovider -o python_files=bench_*.py -s

BENCH_DEAD_RUN_ROUNDS (default 3) kills; each prints the seconds from the kill until the lease
expired, until the sweep reopened the run, until it ran again on the other worker, and until it
finished. With the default lease (renewed every 10 s, expiring after 60 s) the bound is
lease + sweep period = 80 s from the kill to running again.
"""

from __future__ import annotations

import os
import random
import time
import uuid

import pytest
from django.conf import settings

from matching import tasks
from matching.models import MatchingRun
from matching.services import runs
from tests.celery_worker import dedicated_workers, real_worker, routed_to, wait_until
from tests.faults.test_worker_killed import CHUNK, COOKS, _cooks, beat_period
from tests.matching.world import X, build_world
from tests.services import need

pytestmark = [pytest.mark.benchmark, pytest.mark.celery_worker]


def _since(start: float) -> float:
    return time.monotonic() - start


def _one_kill(run_id: int, tmp_path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    doomed_queue, spare_queue = (f"bench-{name}-{uuid.uuid4().hex[:8]}" for name in ("doomed", "spare"))
    period = beat_period("matching.resume_expired")
    marks: dict[str, float] = {}
    with real_worker(), dedicated_workers(doomed_queue, spare_queue, log_dir=tmp_path) as (doomed, _):
        tasks.execute_run.apply_async((run_id,), {"chunk_size": CHUNK}, queue=doomed_queue)
        wait_until(lambda: MatchingRun.objects.get(pk=run_id).cursor > 0, what="the run's first chunk")
        doomed.kill()
        killed = time.monotonic()
        next_beat = killed + random.uniform(0, period)  # beat's phase is unrelated to the kill
        with routed_to(spare_queue):
            while "finished" not in marks and _since(killed) < 300:
                run = MatchingRun.objects.get(pk=run_id)
                if "lease expired" not in marks and run.interrupted:
                    marks["lease expired"] = _since(killed)
                if time.monotonic() >= next_beat:
                    if tasks.resume_expired():
                        marks["sweep reopened"] = _since(killed)
                    next_beat += period
                if "running again" not in marks and run.attempt == 2 and run.status != "pending":
                    marks["running again"] = _since(killed)
                if run.finished_at is not None:
                    marks["finished"] = _since(killed)
                time.sleep(0.1)
    return marks


@pytest.mark.django_db(transaction=True)
def test_time_to_detect_and_resume_a_dead_run(tmp_path, fresh_matching_engine):
    from django.db import connection

    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")
    rounds = int(os.environ.get("BENCH_DEAD_RUN_ROUNDS", "3"))
    build_world()
    _cooks(COOKS)
    print(f"\nlease {settings.SKILLBRIDGE_JOB_LEASE_SECONDS:.0f} s, heartbeat "
          f"{settings.SKILLBRIDGE_JOB_HEARTBEAT_SECONDS:.0f} s, sweep every "
          f"{beat_period('matching.resume_expired'):.0f} s; seconds after kill -9:")  # fmt: skip
    steps = ("lease expired", "sweep reopened", "running again", "finished")
    print(f"{'round':>5} " + " ".join(f"{step:>15}" for step in steps))
    for n in range(1, rounds + 1):
        run = runs.matching_run_create(kind="both", county_codes=[X])
        marks = _one_kill(run.pk, tmp_path)
        print(f"{n:>5} " + " ".join(f"{marks.get(step, float('nan')):>15.1f}" for step in steps))
        assert MatchingRun.objects.get(pk=run.pk).status == "succeeded"
