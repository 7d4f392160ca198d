from celery import shared_task

from . import privacy


@shared_task(name="workers.privacy_retention")
def privacy_retention() -> int:
    """Daily: anonymise profiles inactive for PRIVACY_RETENTION_DAYS; returns how many."""
    return privacy.workers_retention_run()
