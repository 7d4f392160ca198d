"""Celery tasks: run one import job; sweep up lost ones. Eager (in-process) when CELERY_BROKER_URL is unset."""

from __future__ import annotations

from celery import shared_task

from .services import import_job_run, import_jobs_recover, import_jobs_resume_expired


# The job's row errors are rendered in the default language (zh-hans; `import_file` sees to it, as
# a worker has no request to take a language from) and stored as text in its report.
@shared_task(name="imports.run_import", ignore_result=True)
def run_import(job_id: int) -> str:
    job = import_job_run(job_id=job_id)
    return job.status if job is not None else "skipped"


@shared_task(name="imports.sweep")
def sweep() -> dict[str, object]:
    """Periodic: re-send jobs a broker outage or a dead worker left behind."""
    return {"recovered_jobs": import_jobs_recover()}


@shared_task(name="imports.resume_expired", ignore_result=True)
def resume_expired() -> list[int]:
    """Frequent (every 20 s): run again the jobs whose lease expired (their worker died)."""
    return import_jobs_resume_expired()
