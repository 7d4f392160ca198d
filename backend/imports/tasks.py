"""Celery task: run one import job. Eager (in-process) when CELERY_BROKER_URL is unset."""

from __future__ import annotations

from celery import shared_task

from .services import import_job_run


@shared_task(name="imports.run_import", ignore_result=True)
def run_import(job_id: int) -> str:
    job = import_job_run(job_id=job_id)
    return job.status if job is not None else "skipped"
