"""Beat jobs of the outbox: relay what is due (every 15 s), prune what is old (hourly)."""

from __future__ import annotations

import dataclasses

from celery import shared_task

from .idempotency import idempotency_records_prune
from .services import outbox_prune, outbox_relay


@shared_task(name="outbox.relay", ignore_result=True)
def relay() -> dict[str, object]:
    """Send the due outbox rows (those a writer's own relay could not send, or left behind)."""
    return dataclasses.asdict(outbox_relay())


@shared_task(name="outbox.prune", ignore_result=True)
def prune() -> dict[str, int]:
    """Sent outbox rows after a day; idempotency records after their 24 hours."""
    return {"outbox": outbox_prune(), "idempotency": idempotency_records_prune()}
