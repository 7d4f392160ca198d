"""Writes for imports: import a file (all rows or none), create and run import jobs.

Who may import what: imports/policies.py (the kind), and each kind's domain policies (the rows).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from backend.audit import services as audit
from backend.common import leases
from backend.common.errors import DomainError, PermissionDenied, ValidationFailed
from backend.outbox.services import outbox_enqueue

from .engine import ImportResult, Progress, RowError, no_progress
from .importers import IMPORTERS
from .models import ImportJob
from .policies import can_import_kind
from .readers import FileRejected, Source, check_file, read_table
from .schemas import KIND_NOUNS, SCHEMAS

logger = logging.getLogger(__name__)

# A job left "running" past its lease (a worker died mid-import) is claimed again: see
# backend/common/leases.py. An import writes all its rows or none, so it is simply run again.
# A job still pending this long never reached a worker (the broker was down when it was created).
LOST_PENDING_AFTER = dt.timedelta(minutes=2)


class SystemActor:
    """The actor of the management command run without --as: admin rights, no user row."""

    is_authenticated = True
    is_anonymous = False
    is_superuser = True
    is_active = True
    role = "admin"
    pk = id = None
    provider_id = employer_id = service_centre_id = None
    username = "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def import_authorise(*, actor: Any, kind: str) -> None:
    """Raise unless the actor may import this kind at all (row-level rules come later)."""
    if kind not in SCHEMAS:
        kinds = "、".join(SCHEMAS)
        raise ValidationFailed.for_field(
            "kind",
            "invalid_choice",
            _("不支持的导入类型「{kind}」,可选:{kinds}。").format(kind=kind, kinds=kinds),
        )
    if not can_import_kind(actor, kind):
        label = KIND_NOUNS[kind]
        raise PermissionDenied(_("您没有导入{label}的权限。").format(label=label))


def import_file(
    *,
    path_or_file: Source,
    kind: str,
    actor: Any,
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
    guard: Callable[[], None] | None = None,
) -> ImportResult:
    """Validate every row of the file; if none is bad, write them all in one transaction.

    Raises PermissionDenied / ValidationFailed for a kind the actor may not import; every other
    problem (file format, a limit, headers, rows, a conflicting concurrent write) is in
    `result.errors`. `progress` is told the rows read, then the rows checked of the total.
    `guard` runs inside the writing transaction before it commits; what it raises, propagates.
    """
    report = progress or no_progress
    import_authorise(actor=actor, kind=kind)
    name = filename or _name_of(path_or_file)
    # The report is text in the default language, as a Celery worker (no request) would write it.
    with translation.override("zh-hans"):
        try:
            table = read_table(path_or_file, filename=name, on_rows=lambda rows: report("reading", rows, 0))
        except FileRejected as exc:
            return ImportResult(kind, name, errors=[RowError(None, "", exc.code, exc.message)])
        importer = IMPORTERS[kind](actor=actor, progress=report)
        result = importer.run(table, filename=name, dry_run=dry_run, guard=guard)
    logger.info(
        "import %s %s by %s: %d rows, %d created, %d updated, %d errors%s",
        kind,
        name,
        getattr(actor, "username", actor),
        result.row_count,
        result.created if result.ok else 0,
        result.updated if result.ok else 0,
        len(result.errors),
        " (dry run)" if dry_run else "",
    )
    if not dry_run:  # rows are written in bulk (no model signals): one audit entry per import
        audit.record(action="import", actor=actor, detail={
            "kind": kind, "file": name, "rows": result.row_count, "ok": result.ok, "errors": len(result.errors),
            "created": result.created if result.ok else 0, "updated": result.updated if result.ok else 0})  # fmt: skip
    return result


def _name_of(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.path.basename(os.fspath(source))
    return os.path.basename(str(getattr(source, "name", "") or ""))


# --- jobs ---------------------------------------------------------------------------------------
def import_job_create(*, actor: Any, kind: str, upload: Any) -> ImportJob:
    """Store the uploaded file, create a pending job and enqueue it once the job is committed.

    A file that breaks a limit seen without parsing (size, an .xlsx's zip directory and sheet
    count) is refused here, in milliseconds, and no job is made; rows and columns are counted
    by the job as it streams the file."""
    import_authorise(actor=actor, kind=kind)
    filename = os.path.basename(str(getattr(upload, "name", "") or "upload"))[:255]
    try:
        fmt = check_file(upload, filename=filename)
    except FileRejected as exc:
        raise ValidationFailed.for_field("file", exc.code, exc.message) from None
    if hasattr(upload, "seek"):
        upload.seek(0)
    job = ImportJob(kind=kind, filename=filename, created_by=actor)
    ext = {"xlsx": ".xlsx", "csv": ".csv", "jsonl": ".jsonl"}[fmt]
    job.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    with transaction.atomic():
        job.save()
        _enqueue(job.pk)  # an outbox row in this transaction: relayed once it commits
    return job


def _enqueue(job_id: int) -> None:
    # Relayed from the outbox: a broker outage delays the job, the relay sends it once it is back.
    outbox_enqueue(task="imports.run_import", args=[job_id])


class _TakenOver(Exception):
    """The job stopped being this executor's before its rows committed: they are rolled back."""


def _claim(job_id: int) -> int | None:
    """Take a pending job (or one whose lease expired) with a fresh lease; its attempt number, or None."""
    return leases.claim(ImportJob, job_id)


def _still_mine(job_id: int, attempt: int) -> None:
    """Inside the import's writing transaction: commit only while the job is this executor's."""
    if not leases.renew(ImportJob, job_id, attempt):
        raise _TakenOver


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a pending job (or one whose worker died); returns None when there is nothing to run,
    or when another executor took the job over meanwhile (this one then wrote nothing)."""
    attempt = _claim(job_id)
    if attempt is None:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with leases.heartbeat(ImportJob, job_id, attempt), job.file.open("rb") as handle:
            result = import_file(
                path_or_file=handle, kind=job.kind, actor=job.created_by, filename=job.filename,
                progress=JobProgress(job_id), guard=lambda: _still_mine(job_id, attempt),
            )  # fmt: skip
    except _TakenOver:
        logger.warning("import job %s: attempt %s was taken over; nothing written", job_id, attempt)
        return None
    except DomainError as exc:  # e.g. the user's role changed between upload and run
        result = ImportResult(job.kind, job.filename, errors=[RowError(None, "", exc.code, exc.message)])
    except Exception:
        logger.exception("import job %s failed unexpectedly", job_id)
        result = ImportResult(
            job.kind,
            job.filename,
            errors=[
                RowError(
                    None, "", "internal_error", str(_("导入时发生内部错误,未写入任何数据,请联系管理员。"))
                )
            ],
        )
    now = timezone.now()
    leases.held(ImportJob, job_id, attempt).update(
        status=ImportJob.Status.SUCCEEDED if result.ok else ImportJob.Status.FAILED,
        row_count=result.row_count,
        created_count=result.created if result.ok else 0,
        updated_count=result.updated if result.ok else 0,
        errors=[e.as_dict() for e in result.errors],
        notices=result.notices,
        finished_at=now,
        lease_expires_at=None,
        updated_at=now,
    )
    job.refresh_from_db()
    return job


class JobProgress:
    """Writes a running job's progress to its row (one UPDATE per stage and per 500 rows), for
    the job page. It leaves `updated_at` alone: that is the running job's claim time."""

    EVERY = 500

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stage = ""
        self.saved = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == self.stage and done - self.saved < self.EVERY and done != total:
            return
        self.stage, self.saved = stage, done
        ImportJob.objects.filter(pk=self.job_id).update(stage=stage, rows_done=done, rows_total=total)


def import_jobs_resume_expired() -> list[int]:
    """Run again the jobs whose lease expired (the frequent beat entry calls this; one query when
    there are none): each is made pending and re-sent; a duplicate send skips at the claim."""
    ids = leases.reopen_expired(ImportJob)
    if ids:
        logger.warning("import jobs %s lost their worker; running them again", ids)
    for job_id in ids:
        _enqueue(job_id)
    return ids


def import_jobs_recover() -> list[int]:
    """Re-send jobs whose task was lost: still pending (broker down at upload) or left running by a
    dead worker. The claim in `import_job_run` makes a duplicate send harmless (the second skips)."""
    reopened = import_jobs_resume_expired()
    lost = ImportJob.objects.filter(
        status=ImportJob.Status.PENDING, updated_at__lt=timezone.now() - LOST_PENDING_AFTER
    ).exclude(pk__in=reopened)
    resent = list(lost.order_by("pk").values_list("pk", flat=True))
    for job_id in resent:
        _enqueue(job_id)
    return sorted({*reopened, *resent})
