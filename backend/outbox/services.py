"""The transactional outbox: record a task in the writing transaction, send it after commit.

`outbox_enqueue` writes one row inside the caller's transaction, so the task exists exactly when
the change it follows does (a rolled-back write leaves no row). After commit the writer's own
relay sends that row at once; a broker error (or, with eager Celery, the task's own exception)
never reaches the request: it is recorded on the row, which backs off and is sent by the
periodic `outbox.relay` (or `manage.py outbox_relay`) once the broker is back.

Delivery is at least once: a task may, rarely, be sent twice (a relay that died between sending
and marking), so every task sent through here is idempotent (an index refresh; a run or an import
job claimed by its status).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from backend.common.dispatch import BROKER_ERRORS

from .models import OutboxMessage

log = logging.getLogger(__name__)

# Index refreshes of one kind are merged into one task when several are due together.
REFRESH_TASK = "search.refresh_index"


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after the n-th failed send: 5 s, 10 s, 20 s, ... up to a minute, so a
    broker that comes back is used within a minute (plus one relay period)."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", 5)
    cap = _setting("OUTBOX_RETRY_MAX_SECONDS", 60)
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _lease() -> dt.timedelta:
    """How long a relay holds the rows it took before another relay may take them (it died)."""
    return dt.timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 60))


def outbox_enqueue(*, task: str, args: Sequence[Any] = ()) -> OutboxMessage:
    """Record `task(*args)` in the current transaction; it is sent once the transaction commits
    (at once outside a transaction). `args` must be JSON (Celery's serializer is JSON too)."""
    message = OutboxMessage.objects.create(task=task, args=list(args), available_at=timezone.now() + _lease())
    message_id = message.pk
    transaction.on_commit(lambda: _relay_committed([message_id]), robust=True)
    return message


def _relay_committed(ids: list[int]) -> None:
    """After commit: send this transaction's rows. The rows were leased to their writer when they
    were written, so no other relay takes them meanwhile unless this process died."""
    _send(list(OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).order_by("pk")))


@dataclasses.dataclass
class RelayReport:
    sent: int = 0
    failed: int = 0
    broker_down: bool = False

    def add(self, other: RelayReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.broker_down = self.broker_down or other.broker_down


def outbox_relay(*, batch_size: int | None = None, budget_seconds: float | None = None) -> RelayReport:
    """Send whatever is due, oldest first, in batches, until nothing is due, the time budget is
    spent, or the broker refuses. Several relays may run at once: each takes its batch with
    SKIP LOCKED (PostgreSQL) and leases it, so a row goes to one relay."""
    batch = int(batch_size or _setting("OUTBOX_RELAY_BATCH", 500))
    deadline = time.monotonic() + (budget_seconds or _setting("OUTBOX_RELAY_BUDGET_SECONDS", 10))
    report = RelayReport()
    while time.monotonic() < deadline:
        taken = _take_due(batch)
        if not taken:
            break
        report.add(_send(taken))
        if report.broker_down:
            break  # the rest of the backlog would fail the same way; try again next period
    return report


def _take_due(limit: int) -> list[OutboxMessage]:
    now = timezone.now()
    with transaction.atomic():
        due = OutboxMessage.objects.filter(sent_at__isnull=True, available_at__lte=now).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:limit])  # SQLite: the single writer's IMMEDIATE transaction serialises relays
        if rows:
            OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(available_at=now + _lease())
    return rows


def _groups(messages: list[OutboxMessage]) -> list[tuple[str, list[Any], list[OutboxMessage]]]:
    """(task, args, the rows it stands for): one per row, except index refreshes, one per kind."""
    groups: list[tuple[str, list[Any], list[OutboxMessage]]] = []
    refreshes: dict[str, list[OutboxMessage]] = defaultdict(list)
    for message in messages:
        args = message.args
        if message.task == REFRESH_TASK and len(args) == 2 and isinstance(args[1], list):
            refreshes[str(args[0])].append(message)
        else:
            groups.append((message.task, args, [message]))
    for kind, rows in refreshes.items():
        ids = sorted({int(pk) for row in rows for pk in row.args[1]})
        groups.append((REFRESH_TASK, [kind, ids], rows))
    return groups


def _publish(task_name: str, args: list[Any]) -> None:
    from backend.celery import app

    task = app.tasks.get(task_name)
    if task is None:  # a web process has not imported every app's tasks module yet
        app.loader.import_default_modules()
        task = app.tasks[task_name]
    # apply_async honours CELERY_TASK_ALWAYS_EAGER: sent to the broker, or run here and now.
    task.apply_async(args=args)


def _send(messages: list[OutboxMessage]) -> RelayReport:
    report = RelayReport()
    sent: list[int] = []
    failed: list[tuple[OutboxMessage, str]] = []
    for task_name, args, rows in _groups(messages):
        if report.broker_down:
            failed.extend((row, "not tried: broker unreachable") for row in rows)
            continue
        try:
            _publish(task_name, args)
        except BROKER_ERRORS as exc:
            report.broker_down = True
            failed.extend((row, f"broker unreachable: {exc}") for row in rows)
        except Exception as exc:  # an eager task's own failure: the committed write stands
            log.warning(
                "outbox: %s failed when run after commit, will retry: %s", task_name, type(exc).__name__
            )
            failed.extend((row, f"{type(exc).__name__}: {exc}") for row in rows)
        else:
            sent.extend(row.pk for row in rows)
    now = timezone.now()
    if sent:
        OutboxMessage.objects.filter(pk__in=sent).update(sent_at=now, last_error="")
    # One update per (attempts, error): a batch that met a dead broker is one or two queries.
    by_outcome: dict[tuple[int, str], list[int]] = defaultdict(list)
    for row, error in failed:
        by_outcome[row.attempts + 1, error[:1000]].append(row.pk)
    for (attempts, error), ids in by_outcome.items():
        OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).update(
            attempts=attempts, available_at=now + retry_delay(attempts), last_error=error
        )
    if report.broker_down:
        names = sorted({row.task for row, _ in failed})
        log.warning(
            "broker unreachable, %d outbox messages kept for retry (%s)", len(failed), ", ".join(names)
        )
    report.sent, report.failed = len(sent), len(failed)
    return report


def outbox_prune(*, now: dt.datetime | None = None, limit: int = 10_000) -> int:
    """Delete sent rows older than OUTBOX_KEEP_SENT_HOURS (a day), at most `limit` per call."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=_setting("OUTBOX_KEEP_SENT_HOURS", 24))
    old = list(OutboxMessage.objects.filter(sent_at__lt=cutoff).values_list("pk", flat=True)[:limit])
    return OutboxMessage.objects.filter(pk__in=old).delete()[0] if old else 0
