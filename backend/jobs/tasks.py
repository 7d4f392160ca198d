from celery import shared_task

from . import services


@shared_task(name="jobs.expire_due_postings")
def expire_due_postings() -> int:
    """Daily: unpublish postings whose closing date has passed."""
    return services.posting_expire_due()
