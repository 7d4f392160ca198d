"""Writes for imports: import a file (all rows or none), create and run import jobs.

Who may import what: imports/policies.py (the kind), and each kind's domain policies (the rows).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from backend.audit import services as audit
from backend.common.errors import DomainError, PermissionDenied, ValidationFailed
from backend.outbox.services import outbox_enqueue

from .engine import ImportResult, RowError
from .importers import IMPORTERS
from .models import ImportJob
from .policies import can_import_kind
from .readers import FileRejected, Source, detect_format, max_file_bytes, read_table
from .schemas import KIND_NOUNS, SCHEMAS

logger = logging.getLogger(__name__)

# A job left "running" this long (a worker died mid-import) may be claimed again.
STALE_RUNNING_AFTER = dt.timedelta(minutes=30)
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
    *, path_or_file: Source, kind: str, actor: Any, filename: str = "", dry_run: bool = False
) -> ImportResult:
    """Validate every row of the file; if none is bad, write them all in one transaction.

    Raises PermissionDenied / ValidationFailed for a kind the actor may not import; every other
    problem (file format, headers, rows, a conflicting concurrent write) is in `result.errors`.
    """
    import_authorise(actor=actor, kind=kind)
    name = filename or _name_of(path_or_file)
    # The report is text in the default language, as a Celery worker (no request) would write it.
    with translation.override("zh-hans"):
        try:
            table = read_table(path_or_file, filename=name)
        except FileRejected as exc:
            return ImportResult(kind, name, errors=[RowError(None, "", exc.code, exc.message)])
        importer = IMPORTERS[kind](actor=actor)
        result = importer.run(table, filename=name, dry_run=dry_run)
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
    """Store the uploaded file, create a pending job and enqueue it once the job is committed."""
    import_authorise(actor=actor, kind=kind)
    filename = os.path.basename(str(getattr(upload, "name", "") or "upload"))[:255]
    try:
        fmt = detect_format(filename)
    except FileRejected as exc:
        raise ValidationFailed.for_field("file", exc.code, exc.message) from None
    size = getattr(upload, "size", None)
    cap = max_file_bytes()
    if size is not None and size > cap:
        raise ValidationFailed.for_field(
            "file", "file_too_large", _("文件过大,上限为{cap:.0f} MB。").format(cap=cap / 1024 / 1024)
        )
    if not size:
        raise ValidationFailed.for_field("file", "empty_file", _("文件是空的。"))
    job = ImportJob(kind=kind, filename=filename, created_by=actor)
    ext = {"xlsx": ".xlsx", "csv": ".csv", "jsonl": ".jsonl"}[fmt]
    job.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    with transaction.atomic():
        job.save()
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    # Relayed from the outbox: a broker outage delays the job, the relay sends it once it is back.
    outbox_enqueue(task="imports.run_import", args=[job_id])


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a pending job (or one stuck in `running`); returns None when there is nothing to run."""
    stale = timezone.now() - STALE_RUNNING_AFTER
    claimable = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.PENDING
    ) | ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING, updated_at__lt=stale)
    if not claimable.update(status=ImportJob.Status.RUNNING, updated_at=timezone.now()):
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with job.file.open("rb") as handle:
            result = import_file(
                path_or_file=handle, kind=job.kind, actor=job.created_by, filename=job.filename
            )
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
    job.status = ImportJob.Status.SUCCEEDED if result.ok else ImportJob.Status.FAILED
    job.row_count = result.row_count
    job.created_count = result.created if result.ok else 0
    job.updated_count = result.updated if result.ok else 0
    job.errors = [e.as_dict() for e in result.errors]
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "row_count",
            "created_count",
            "updated_count",
            "errors",
            "finished_at",
            "updated_at",
        ]
    )
    return job


def import_jobs_recover() -> list[int]:
    """Re-send jobs whose task was lost: still pending (broker down at upload) or left running by a
    dead worker. The claim in `import_job_run` makes a duplicate send harmless (the second skips)."""
    now = timezone.now()
    lost = Q(status=ImportJob.Status.PENDING, updated_at__lt=now - LOST_PENDING_AFTER)
    crashed = Q(status=ImportJob.Status.RUNNING, updated_at__lt=now - STALE_RUNNING_AFTER)
    ids = list(ImportJob.objects.filter(lost | crashed).order_by("pk").values_list("pk", flat=True))
    for job_id in ids:
        _enqueue(job_id)
    return ids
