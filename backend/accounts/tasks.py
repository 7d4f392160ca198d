from celery import shared_task

from . import services


@shared_task(name="accounts.api_tokens_purge_expired")
def api_tokens_purge_expired() -> int:
    """Daily: delete expired API tokens; returns how many."""
    return services.api_tokens_purge_expired()
