"""Celery tasks for matching. Eager (in-process) when CELERY_BROKER_URL is unset."""

from __future__ import annotations

from celery import shared_task

from .services import outcomes, runs


@shared_task(name="matching.execute_run", acks_late=True, ignore_result=True)
def execute_run(run_id: int, chunk_size: int = runs.CHUNK_SIZE) -> str:
    """A batch run, chunk by chunk; a redelivered or re-sent task resumes from the run's cursor."""
    run = runs.matching_run_execute(run_id=run_id, chunk_size=chunk_size)
    return run.status if run is not None else "skipped"


@shared_task(name="matching.sweep")
def sweep() -> dict[str, object]:
    """Periodic: suggestion outcomes from applications/enrolments; re-send the runs a dead worker or
    a broker outage left behind (see `runs.matching_runs_recover`)."""
    return {"outcomes": outcomes.outcomes_sync(), "recovered_runs": runs.matching_runs_recover()}


@shared_task(name="matching.resume_expired", ignore_result=True)
def resume_expired() -> list[int]:
    """Frequent (every 20 s): resume the runs whose lease expired (their worker died)."""
    return runs.matching_runs_resume_expired()


@shared_task(name="matching.train_ranker", ignore_result=False)
def train_ranker() -> dict[str, object]:
    """Periodic (weekly): fit a candidate ranker on the decisions so far; activated only if better."""
    from . import learning  # scikit-learn fitting code is only needed here

    return learning.ranker_train().as_dict()
