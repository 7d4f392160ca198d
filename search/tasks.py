from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from backend.jobs.models import Posting
from training.models import Program, Session

from . import services
from .query import Kind

SWEEP_WINDOW = dt.timedelta(hours=2)


@shared_task(
    name="search.refresh_index", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def refresh_index(kind: str, ids: list[int]) -> dict[str, int]:
    return services.index_refresh(kind=Kind(kind), ids=ids)


@shared_task(name="search.reconcile")
def reconcile() -> dict[str, object]:
    """Daily: rewrite stale documents (content hash differs) besides repairing id drift. Builds
    every document, so it runs far less often than the sweep."""
    return services.index_reconcile(repair=True, content=True)


@shared_task(name="search.sweep")
def sweep() -> dict[str, object]:
    """Periodic: repair id drift, and re-index anything changed recently (missed updates)."""
    report = services.index_reconcile(repair=True, content=False)
    since = timezone.now() - SWEEP_WINDOW
    postings = list(Posting.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    programs = set(Program.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    programs |= set(Session.objects.filter(updated_at__gte=since).values_list("program_id", flat=True))
    if postings:
        services.index_refresh(kind=Kind.JOB, ids=postings)
    if programs:
        services.index_refresh(kind=Kind.TRAINING, ids=programs)
    report["refreshed"] = {"job": len(postings), "training": len(programs)}
    return report
