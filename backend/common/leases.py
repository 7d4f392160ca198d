"""Leases for long background jobs (batch matching runs, import jobs): which executor runs a job,
and until when it is presumed alive.

A `running` job's executor holds a lease (`lease_expires_at`, SKILLBRIDGE_JOB_LEASE_SECONDS ahead)
and renews it from a heartbeat thread every SKILLBRIDGE_JOB_HEARTBEAT_SECONDS, however long one
chunk of its work takes. A job whose lease ran out lost its worker (kill -9, OOM, a lost machine):
it may be taken over at once, and a frequent sweep does so. Each claim bumps the job's `attempt`,
and every write of an executor is conditional on its attempt, so one that was taken over (it was
only slow, after all) writes nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

RUNNING, PENDING = "running", "pending"  # the status values both job models share
INTERRUPTED_LABEL = _("已中断，正在恢复")


def lease_seconds() -> float:
    return float(getattr(settings, "SKILLBRIDGE_JOB_LEASE_SECONDS", 60))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "SKILLBRIDGE_JOB_HEARTBEAT_SECONDS", 10))


def lease_until(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=lease_seconds())


def expired(now: dt.datetime) -> Q:
    """Running jobs whose executor stopped renewing. A lease never set (a job started before
    leases existed) counts from the job's last change."""
    lapsed = Q(lease_expires_at__lt=now) | Q(
        lease_expires_at__isnull=True, updated_at__lt=now - dt.timedelta(seconds=lease_seconds())
    )
    return Q(status=RUNNING) & lapsed


def is_interrupted(job: Any, now: dt.datetime | None = None) -> bool:
    """Lost its worker and not yet running again: a running job past its lease, or one reopened
    after an earlier attempt and waiting for a worker to take it."""
    now = now or timezone.now()
    if job.status == PENDING:
        return job.attempt > 0
    if job.status != RUNNING:
        return False
    if job.lease_expires_at is None:
        return bool(job.updated_at < now - dt.timedelta(seconds=lease_seconds()))
    return bool(job.lease_expires_at < now)


def status_label(job: Any) -> str:
    return str(INTERRUPTED_LABEL) if is_interrupted(job) else str(job.get_status_display())


def claim(model: type[models.Model], pk: int) -> int | None:
    """Take the job (pending, or running on a lapsed lease) for this executor with a fresh lease;
    its new attempt number, which every later write checks, or None if another executor has it."""
    now = timezone.now()
    claimable = Q(status=PENDING) | expired(now)
    manager = model._default_manager
    with transaction.atomic():
        if not manager.filter(claimable, pk=pk).update(
            status=RUNNING, attempt=F("attempt") + 1, lease_expires_at=lease_until(now), updated_at=now
        ):
            return None
        attempt: int = manager.values_list("attempt", flat=True).get(pk=pk)
        return attempt


def reopen_expired(model: type[models.Model]) -> list[int]:
    """Make pending again the jobs whose lease expired (one query when there are none); their ids,
    for the caller to re-send. Each update is conditional again: a lease renewed since the read
    keeps its job."""
    expired_jobs = model._default_manager.filter(expired(timezone.now()))
    return [
        pk
        for pk in expired_jobs.order_by("pk").values_list("pk", flat=True)
        if expired_jobs.filter(pk=pk).update(status=PENDING, lease_expires_at=None, updated_at=timezone.now())
    ]


def held(model: type[models.Model], pk: int, attempt: int) -> models.QuerySet[Any]:
    """The job, if it is still running under this executor's attempt (not cancelled, not taken over)."""
    return model._default_manager.filter(pk=pk, status=RUNNING, attempt=attempt)


def renew(model: type[models.Model], pk: int, attempt: int) -> bool:
    """Extend this executor's lease; False when the job is no longer its own. (`update()` leaves
    `updated_at` alone: it keeps meaning the job's last change.)"""
    return bool(held(model, pk, attempt).update(lease_expires_at=lease_until(timezone.now())))


@contextmanager
def heartbeat(model: type[models.Model], pk: int, attempt: int) -> Iterator[None]:
    """Renew the lease from a thread of its own (and a database connection of its own) for the
    block's duration, so a slow chunk never looks like a dead worker."""
    stop = threading.Event()
    beat = threading.Thread(
        target=_beat, args=(model, pk, attempt, stop), name=f"lease-{model._meta.label}-{pk}", daemon=True
    )
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join(timeout=heartbeat_seconds() + 5)


def _beat(model: type[models.Model], pk: int, attempt: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(heartbeat_seconds()):
            try:
                if not renew(model, pk, attempt):
                    return  # finished, cancelled or taken over: nothing left to keep alive
            except DatabaseError as exc:  # busy or briefly away: the lease has room for a few misses
                log.warning("lease of %s %s not renewed: %s", model._meta.label, pk, exc)
    finally:
        connections.close_all()  # this thread's own connections only
