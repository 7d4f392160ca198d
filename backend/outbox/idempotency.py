"""Idempotency keys: the first successful answer to a (user, key) is kept for a day and given
again to a retry with the same request; the same key with another request is refused.

The record is written in the transaction of the write it answers (see backend/api/idempotency.py),
so a write that rolls back leaves no record and its retry runs afresh; two concurrent requests with
one key meet at the unique constraint, and the second gets the first's answer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import IdempotencyRecord


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24)))


def idempotency_records_prune(*, now: dt.datetime | None = None, limit: int = 10_000) -> int:
    """Delete records older than IDEMPOTENCY_KEY_HOURS, at most `limit` per call."""
    cutoff = (now or timezone.now()) - keep_for()
    old = list(IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:limit])
    return IdempotencyRecord.objects.filter(pk__in=old).delete()[0] if old else 0
