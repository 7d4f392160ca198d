from __future__ import annotations

from django.db import models

from backend.common import leases
from backend.common.models import TimeStampedModel


class ImportJob(TimeStampedModel):
    """One uploaded file being imported by a Celery task; all-or-nothing."""

    class Kind(models.TextChoices):
        PROGRAMS = "programs", "培训项目"
        SESSIONS = "sessions", "开班"
        POSTINGS = "postings", "招聘岗位"
        WORKERS = "workers", "劳动者"
        EMPLOYERS = "employers", "用人单位"
        PROVIDERS = "providers", "培训机构"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导入中"
        SUCCEEDED = "succeeded", "成功"
        FAILED = "failed", "失败"

    class Stage(models.TextChoices):
        READING = "reading", "读取文件"
        CHECKING = "checking", "检查每一行"
        WRITING = "writing", "写入数据"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="import_jobs")
    row_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True
    )  # [{"row": 3, "column": "工资", "code": ..., "message": ...}]
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress while it runs, for the job page: rows read (total still 0), then checked of total.
    stage = models.CharField(max_length=16, choices=Stage.choices, blank=True, default="")
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    notices = models.JSONField(default=list, blank=True)  # ["第3行至第1002行都是空行, ..."]
    # Bumped by each executor that claims the job; its lease is renewed by a heartbeat
    # (backend/common/leases.py): past it, the job lost its worker and is run again.
    attempt = models.PositiveIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    @property
    def interrupted(self) -> bool:
        return leases.is_interrupted(self)

    @property
    def status_label(self) -> str:
        """What staff see: "已中断，正在恢复" rather than a stuck running."""
        return leases.status_label(self)
