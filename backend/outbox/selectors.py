"""Reads of the outbox: its backlog, for /healthz and operators."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Count, Min
from django.utils import timezone

from .models import OutboxMessage


@dataclasses.dataclass(frozen=True)
class Backlog:
    unsent: int
    oldest_age_seconds: float  # 0 when nothing is waiting


def outbox_backlog(*, now: dt.datetime | None = None) -> Backlog:
    found = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(
        n=Count("pk"), oldest=Min("created_at")
    )
    oldest = found["oldest"]
    age = ((now or timezone.now()) - oldest).total_seconds() if oldest else 0.0
    return Backlog(unsent=found["n"], oldest_age_seconds=max(0.0, age))
