"""Batch runs: create, start, cancel, resume, execute (chunk by chunk) and recover after a crash.

A run stores each covered worker's top list as pending suggestions, idempotently: see `_upsert`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import covered_county_codes, role_of
from backend.audit import services as audit
from backend.common import bulk, leases
from backend.common.errors import Conflict, PermissionDenied, ValidationFailed
from backend.jobs.models import Posting
from backend.outbox.services import outbox_enqueue
from backend.regions.models import Division
from backend.workers.models import WorkerProfile
from matching import adapters, engine
from matching.core.recommend import recommend_batch
from matching.models import MatchingRun, ModelVersion, Suggestion, SuggestionEvent
from matching.policies import can_manage_run
from training.models import Session

from .jsonable import jsonable
from .recommend import check_kind

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
JOBS_PER_WORKER = 10
TRAININGS_PER_WORKER = 5
# A `running` run whose lease expired has lost its worker (kill -9, OOM, a lost machine): the
# executor's heartbeat thread renews the lease however long a chunk takes (backend/common/leases.py).
# A run still pending this long never reached a worker (the broker was down when it started).
LOST_PENDING_AFTER = dt.timedelta(minutes=2)


def run_workers(run: MatchingRun) -> QuerySet[WorkerProfile]:
    """The workers a run covers: consented to data processing and not opted out of personalised
    recommendations (PIPL Art. 24), living in the run's counties."""
    qs = WorkerProfile.objects.filter(consent_data_processing=True, consent_personalised_recommendations=True)
    if not run.all_counties:
        qs = qs.filter(current_division_id__in=run.county_codes)
    return qs


def withdraw_pending_on_consent_withdrawn(*, worker_ids: Sequence[int], purpose: str, **_: Any) -> None:
    """Receiver of `backend.workers.consent.consent_withdrawn`: a worker who no longer wants
    personalised suggestions (or any processing) has their pending ones withdrawn, in the same
    transaction; reviewed ones and their outcomes stay."""
    if purpose not in ("personalised_recommendations", "data_processing"):
        return
    Suggestion.objects.filter(worker_id__in=list(worker_ids), status=Suggestion.Status.PENDING).update(
        status=Suggestion.Status.WITHDRAWN, updated_at=timezone.now()
    )


def _overlaps(run: MatchingRun, all_counties: bool, codes: set[str]) -> bool:
    return run.all_counties or all_counties or bool(codes & set(run.county_codes))


def matching_run_create(
    *,
    kind: str,
    county_codes: Sequence[str] | None,
    started_by: Any = None,
    jobs_per_worker: int = JOBS_PER_WORKER,
    trainings_per_worker: int = TRAININGS_PER_WORKER,
) -> MatchingRun:
    """A pending run over the given counties (None: every county); permissions: `matching_run_start`."""
    if kind not in MatchingRun.Kind.values:
        raise ValidationFailed.for_field("kind", "invalid_choice", _("类型只能是 job、training 或 both。"))
    codes = sorted(set(county_codes or ()))
    if codes and Division.objects.filter(code__in=codes).count() != len(codes):
        raise ValidationFailed.for_field("county_codes", "does_not_exist", _("有行政区划代码不存在。"))
    all_counties = not codes
    unfinished = MatchingRun.objects.filter(
        status__in=[MatchingRun.Status.PENDING, MatchingRun.Status.RUNNING]
    )
    if any(_overlaps(other, all_counties, set(codes)) for other in unfinished):
        raise Conflict(_("这些区县已有正在进行的批量匹配,请等待其完成或先取消。"), code="run_in_progress")
    run = MatchingRun(
        kind=kind,
        started_by=started_by,
        all_counties=all_counties,
        county_codes=codes,
        jobs_per_worker=jobs_per_worker,
        trainings_per_worker=trainings_per_worker,
    )
    scope = run_workers(run).aggregate(n=Count("pk"), last=Max("pk"))
    run.total_workers, run.max_worker_id = scope["n"], scope["last"] or 0
    run.save()
    return run


def _enqueue(run_id: int) -> None:
    # Relayed from the outbox: a broker outage delays the run, the relay sends it once it is back.
    outbox_enqueue(task="matching.execute_run", args=[run_id])


@transaction.atomic
def matching_run_start(*, actor: Any, kind: str, county_codes: Sequence[str] | None = None) -> MatchingRun:
    """Service staff run their centre's counties (or some of them); an admin any counties or all."""
    role = role_of(actor)
    codes = list(county_codes or ())
    if role == "service_staff":
        covered = covered_county_codes(actor)
        if not covered:
            raise PermissionDenied(_("您的服务中心没有覆盖任何区县。"))
        if not set(codes) <= covered:
            raise PermissionDenied(_("只能对本服务中心辖区的劳动者运行批量匹配。"))
        codes = codes or sorted(covered)
    elif role != "admin":
        raise PermissionDenied(_("只有就业服务人员或管理员可以运行批量匹配。"))
    run = matching_run_create(kind=kind, county_codes=codes or None, started_by=actor)
    _enqueue(run.pk)  # an outbox row in this transaction: relayed once it commits
    return run


def matching_run_cancel(*, actor: Any, run: MatchingRun) -> MatchingRun:
    if not can_manage_run(actor, run):
        raise PermissionDenied(_("无权取消该批量匹配。"))
    updated = MatchingRun.objects.filter(
        pk=run.pk, status__in=[MatchingRun.Status.PENDING, MatchingRun.Status.RUNNING]
    ).update(status=MatchingRun.Status.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now())
    if not updated:
        raise Conflict(_("该批量匹配已经结束。"), code="run_finished")
    run.refresh_from_db()
    return run


def matching_run_reopen(*, run: MatchingRun) -> MatchingRun:
    """Make a failed, cancelled or crashed (lease expired) run pending again; it goes on from its cursor."""
    now = timezone.now()
    reopenable = Q(status__in=[MatchingRun.Status.FAILED, MatchingRun.Status.CANCELLED]) | leases.expired(now)
    if not MatchingRun.objects.filter(reopenable, pk=run.pk).update(
        status=MatchingRun.Status.PENDING, error="", finished_at=None, lease_expires_at=None, updated_at=now
    ):
        raise Conflict(_("只有失败、已取消或中断的批量匹配可以继续。"), code="run_not_resumable")
    run.refresh_from_db()
    return run


@transaction.atomic
def matching_run_resume(*, actor: Any, run: MatchingRun) -> MatchingRun:
    """Continue a failed, cancelled or crashed run from its cursor (on a Celery worker)."""
    if not can_manage_run(actor, run):
        raise PermissionDenied(_("无权继续该批量匹配。"))
    run = matching_run_reopen(run=run)
    _enqueue(run.pk)  # an outbox row in this transaction: relayed once it commits
    return run


def _claim(run_id: int) -> int | None:
    """Take the run (pending, or running on a lapsed lease) for this executor, with a fresh lease;
    returns its attempt number, which every chunk then checks, so an executor thought dead (and
    replaced) can never write a chunk after its successor."""
    return leases.claim(MatchingRun, run_id)


def _hold(run_id: int, attempt: int) -> MatchingRun | None:
    """The run, if it is still this executor's (not cancelled, not taken over)."""
    return leases.held(MatchingRun, run_id, attempt).first()


class _TakenOver(Exception):
    """The run stopped being this executor's while it computed a chunk: the chunk is rolled back."""


def matching_run_execute(*, run_id: int, chunk_size: int = CHUNK_SIZE) -> MatchingRun | None:
    """Run (or resume, after a crash) a batch: chunk by chunk, each chunk committed with the cursor.

    Returns None when the run is not claimable (done, cancelled, or running elsewhere).
    """
    attempt = _claim(run_id)
    if attempt is None:
        return None
    run = MatchingRun.objects.get(pk=run_id)
    if run.started_at is None:
        run.started_at = timezone.now()
        run.save(update_fields=["started_at", "updated_at"])
    mine = leases.held(MatchingRun, run_id, attempt)
    try:
        with leases.heartbeat(MatchingRun, run_id, attempt):
            model, ranker = engine.active_model()  # may load a model or build a catalogue: seconds
            while _run_chunk(run_id, attempt, chunk_size, model, ranker):
                pass
        now = timezone.now()
        mine.update(
            status=MatchingRun.Status.SUCCEEDED, finished_at=now, lease_expires_at=None, updated_at=now
        )
    except Exception as exc:
        log.exception("matching run %s failed", run_id)
        now = timezone.now()
        mine.update(
            status=MatchingRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=now,
            lease_expires_at=None, updated_at=now,
        )  # fmt: skip
    run.refresh_from_db()
    # Suggestions are written in bulk (no model signals): one audit entry sums the run up.
    audit.record(action="matching_run", actor=run.started_by, target=run, detail={
        "kind": run.kind, "status": run.status, "workers": run.processed_workers, "created": run.suggestions_created,
        "updated": run.suggestions_updated, "withdrawn": run.suggestions_withdrawn})  # fmt: skip
    return run


def _run_chunk(run_id: int, attempt: int, chunk_size: int, model: ModelVersion, ranker: Any) -> bool:
    """Rank the next chunk, then store its suggestions and move the cursor in one transaction that
    commits only while the run is still this executor's: a worker killed (or taken over) mid-chunk
    leaves nothing of it, and its successor redoes it whole. The ranking, the slow part, holds no
    lock (the heartbeat renews the lease meanwhile). False when there is nothing left, or the run
    was cancelled or taken over."""
    catalogue_version, catalogue = engine.current_catalogue()
    run = _hold(run_id, attempt)
    if run is None:
        return False
    ids = list(
        run_workers(run)
        .filter(pk__gt=run.cursor, pk__lte=run.max_worker_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:chunk_size]
    )
    if not ids:
        return False
    ranked = _rank_chunk(run, ids, catalogue, ranker)
    try:
        with transaction.atomic():
            counts = _store_chunk(run, ranked, model)
            # Conditional on the attempt, after the writes: it waits for (and then re-reads) any
            # concurrent change of the row, so a cancel or a takeover wins and this chunk rolls back.
            if not leases.held(MatchingRun, run_id, attempt).update(
                cursor=ids[-1],
                processed_workers=F("processed_workers") + len(ids),
                suggestions_created=F("suggestions_created") + counts["created"],
                suggestions_updated=F("suggestions_updated") + counts["updated"],
                suggestions_withdrawn=F("suggestions_withdrawn") + counts["withdrawn"],
                model_version=model,
                catalogue_version=catalogue_version,
                lease_expires_at=leases.lease_until(timezone.now()),
                updated_at=timezone.now(),
            ):
                raise _TakenOver
    except _TakenOver:
        log.warning(
            "matching run %s: attempt %s was taken over; its last chunk is discarded", run_id, attempt
        )
        return False
    return True


def _rank_chunk(
    run: MatchingRun, ids: list[int], catalogue: Any, ranker: Any
) -> dict[str, tuple[list[int], Sequence[Sequence[Any]]]]:
    """Each kind's top lists for the chunk's workers: kind → (worker ids, their ranked items)."""
    workers = adapters.workers_data(ids)
    worker_ids = [w.id for w in workers if w.id is not None]
    ranked: dict[str, tuple[list[int], Sequence[Sequence[Any]]]] = {}
    for kind in run.kinds:
        k = run.jobs_per_worker if kind == "job" else run.trainings_per_worker
        ranked[kind] = (worker_ids, recommend_batch(workers, catalogue, ranker, kind=check_kind(kind), k=k))
    return ranked


def _store_chunk(
    run: MatchingRun, ranked: dict[str, tuple[list[int], Sequence[Sequence[Any]]]], model: ModelVersion
) -> dict[str, int]:
    totals = {"created": 0, "updated": 0, "withdrawn": 0}
    for kind, (worker_ids, results) in ranked.items():
        counts = _upsert(kind, worker_ids, results, run, model)
        for key, value in counts.items():
            totals[key] += value
    return totals


# The columns a run rewrites on a suggestion it refreshes in place.
_REFRESHED = (
    "score",
    "rank",
    "explanation",
    "pathways",
    "reason",
    "features",
    "model_version_id",
    "run_id",
    "status",
    "updated_at",
)


@dataclasses.dataclass
class _Existing:
    """A chunk's suggestions of one kind before the run stores its top lists."""

    reviewed: set[tuple[int, int]]  # (worker, item) already approved/rejected: left alone
    reusable: dict[tuple[int, int], int]  # (worker, item) → the pending (or withdrawn) row to refresh
    pending: set[int]


def _existing(kind: str, worker_ids: list[int], field: str) -> _Existing:
    found = _Existing(reviewed=set(), reusable={}, pending=set())
    for pk, worker_id, item_id, status in (
        Suggestion.objects.filter(worker_id__in=worker_ids, kind=kind)
        .order_by("pk")
        .values_list("pk", "worker_id", field, "status")
    ):
        key = (worker_id, item_id)
        if status in (Suggestion.Status.APPROVED, Suggestion.Status.REJECTED):
            found.reviewed.add(key)
        elif status == Suggestion.Status.PENDING or key not in found.reusable:
            found.reusable[key] = pk
        if status == Suggestion.Status.PENDING:
            found.pending.add(pk)
    return found


def _stored_row(rec: Any, run: MatchingRun, model: ModelVersion, now: dt.datetime) -> dict[str, Any]:
    return {
        "score": float(rec.score),
        "rank": rec.rank,
        "explanation": {**(jsonable(rec.explanation) or {}), "qualified": rec.qualified},
        "pathways": jsonable(list(rec.pathways or ())),
        "reason": rec.reason or "",
        "features": list(rec.features),
        "model_version_id": model.pk,
        "run_id": run.pk,
        "status": Suggestion.Status.PENDING,
        "updated_at": now,
    }


def _live_items(kind: str, item_ids: set[int]) -> set[int]:
    """The offered items whose rows still exist. The catalogue in memory may be older than the
    rows (it is rebuilt at most every MATCHING_REBUILD_SECONDS): a posting or session deleted
    since would fail the chunk's INSERT on its foreign key, and with it the whole run."""
    model = Posting if kind == "job" else Session
    return set(model.objects.filter(pk__in=item_ids).values_list("pk", flat=True))


def _upsert(
    kind: str, worker_ids: list[int], results: Sequence[Sequence[Any]], run: MatchingRun, model: ModelVersion
) -> dict[str, int]:
    """Store each worker's top list idempotently.

    A pending (or withdrawn) suggestion of the same item is refreshed in place; an item the
    worker already has a reviewed (approved/rejected) suggestion for is left alone; pending
    suggestions that fell out of the top list are withdrawn. Never a duplicate.
    """
    field = "posting_id" if kind == "job" else "session_id"
    existing = _existing(kind, worker_ids, field)
    live = _live_items(kind, {rec.item_id for recs in results for rec in recs})
    now = timezone.now()
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    kept: set[int] = set()
    for worker_id, recs in zip(worker_ids, results, strict=True):
        seen: set[int] = set()
        for rec in recs:
            key = (worker_id, rec.item_id)
            if key in existing.reviewed or rec.item_id in seen or rec.item_id not in live:
                continue
            seen.add(rec.item_id)
            row = _stored_row(rec, run, model, now)
            if key in existing.reusable:
                kept.add(existing.reusable[key])
                changed.append({"pk": existing.reusable[key], **row})
            else:
                new.append(
                    {"worker_id": worker_id, "kind": kind, field: rec.item_id, "created_at": now, **row}
                )
    withdrawn = existing.pending - kept
    if withdrawn:
        Suggestion.objects.filter(pk__in=withdrawn, status=Suggestion.Status.PENDING).update(
            status=Suggestion.Status.WITHDRAWN, updated_at=now
        )
    bulk.update_rows(Suggestion, changed, fields=_REFRESHED)
    bulk.insert_rows(Suggestion, new)
    # The rows just inserted are this call's: same run, kind and creation instant.
    created = list(Suggestion.objects.filter(run=run, kind=kind, created_at=now).values_list("pk", flat=True))
    event = {
        "action": SuggestionEvent.Action.CREATED,
        "to_status": "pending",
        "model_version_id": model.pk,
        "at": now,
    }
    bulk.insert_rows(SuggestionEvent, [{"suggestion_id": pk, **event} for pk in created])
    return {"created": len(created), "updated": len(changed), "withdrawn": len(withdrawn)}


def matching_runs_resume_expired() -> list[int]:
    """Resume the runs whose lease expired (the frequent beat entry calls this; one query when
    there are none). Each is made pending again, its cursor kept, and re-sent, so whichever
    worker takes the task resumes it; the old executor, should it still be alive after all,
    commits nothing more (`_run_chunk`). Sending one twice is harmless: only one executor claims it."""
    reopened = leases.reopen_expired(MatchingRun)
    if reopened:
        log.warning("matching runs %s lost their worker; resuming from their cursors", reopened)
    for run_id in reopened:
        _enqueue(run_id)
    return reopened


def matching_runs_recover() -> list[int]:
    """Re-send the runs a crash or a broker outage left behind (the slow periodic sweep): those
    whose lease expired, and those pending for a while (their task was never sent)."""
    reopened = matching_runs_resume_expired()
    lost = MatchingRun.objects.filter(
        status=MatchingRun.Status.PENDING, updated_at__lt=timezone.now() - LOST_PENDING_AFTER
    ).exclude(pk__in=reopened)
    resent = list(lost.values_list("pk", flat=True))
    for run_id in resent:
        _enqueue(run_id)
    return sorted({*reopened, *resent})
