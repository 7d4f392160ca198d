"""Matching on the Django side: ranker versions, batch runs, suggestions and their audit trail.

The numeric engine lives in `matching.core` (no Django inside); these tables record what it
produced, who reviewed it and what became of it, so that the next ranker can learn from it.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backend.common import leases
from backend.common.models import TimeStampedModel


class ModelVersion(TimeStampedModel):
    """One ranker: the transparent baseline or a learned model saved as a joblib artefact.

    Exactly one row is active; every suggestion records the version that produced it.
    """

    class Kind(models.TextChoices):
        BASELINE = "baseline", "加权基线"
        LEARNED = "learned", "学习模型"

    name = models.CharField("版本", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    artefact_path = models.CharField("模型文件", max_length=512, blank=True)
    # {"ndcg@10": .., "recall@10": .., "mrr": .., "split": "time<2025-01-01", "compared_to": "baseline"}
    metrics = models.JSONField("评估指标", default=dict, blank=True)
    # {"examples": .., "positives": .., "workers": .., "items": ..}
    trained_on = models.JSONField("训练数据", default=dict, blank=True)
    is_active = models.BooleanField("当前使用", default=False)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)

    class Meta:
        verbose_name = "排序模型版本"
        verbose_name_plural = "排序模型版本"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_model"
            ),
            models.CheckConstraint(
                name="learned_model_has_artefact", condition=Q(kind="baseline") | ~Q(artefact_path="")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MatchingRun(TimeStampedModel):
    """A batch run over the workers of some counties (or all), chunked and resumable from `cursor`."""

    class Kind(models.TextChoices):
        JOB = "job", "岗位"
        TRAINING = "training", "培训"
        BOTH = "both", "岗位和培训"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    started_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发起人",
    )
    all_counties = models.BooleanField("全部区县", default=False)
    county_codes = models.JSONField("区县范围", default=list, blank=True)
    jobs_per_worker = models.PositiveSmallIntegerField("每人岗位数", default=10)
    trainings_per_worker = models.PositiveSmallIntegerField("每人培训数", default=5)
    # The workers of the run are fixed at the start: those in scope with id <= max_worker_id.
    max_worker_id = models.BigIntegerField(default=0)
    total_workers = models.PositiveIntegerField("劳动者总数", default=0)
    processed_workers = models.PositiveIntegerField("已处理", default=0)
    suggestions_created = models.PositiveIntegerField("新建建议", default=0)
    suggestions_updated = models.PositiveIntegerField("更新建议", default=0)
    suggestions_withdrawn = models.PositiveIntegerField("撤回建议", default=0)
    cursor = models.BigIntegerField("进度游标", default=0)  # the last worker id done
    # Bumped by each executor that claims the run; only the latest may commit chunks.
    attempt = models.PositiveIntegerField("执行次数", default=0)
    # The executor's lease, renewed by its heartbeat (backend/common/leases.py); past it, the run
    # lost its worker and is resumed.
    lease_expires_at = models.DateTimeField("租约到期", null=True, blank=True)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    catalogue_version = models.CharField("目录版本", max_length=64, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "批量匹配"
        verbose_name_plural = "批量匹配"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="run_scope_given", condition=Q(all_counties=True) | ~Q(county_codes=[])
            ),
            models.CheckConstraint(
                name="run_finished_after_start",
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=models.F("started_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.kind}, {self.status})"

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("job", "training") if self.kind == self.Kind.BOTH else (self.kind,)

    @property
    def interrupted(self) -> bool:
        return leases.is_interrupted(self)

    @property
    def status_label(self) -> str:
        """What staff see: "已中断，正在恢复" rather than a stuck running (or a bare pending)."""
        return leases.status_label(self)

    @property
    def progress(self) -> float:
        if self.status == self.Status.SUCCEEDED:
            return 1.0
        return round(min(self.processed_workers / self.total_workers, 1.0), 4) if self.total_workers else 0.0


class Suggestion(TimeStampedModel):
    """A job or a training session suggested to a worker, waiting for (or after) staff review."""

    class Kind(models.TextChoices):
        JOB = "job", "岗位"
        TRAINING = "training", "培训"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已驳回"
        WITHDRAWN = "withdrawn", "已撤回"  # by a later run: no longer in the worker's top list

    class ReasonCode(models.TextChoices):
        SKILLS_MISMATCH = "skills_mismatch", "技能不符"
        TOO_FAR = "too_far", "距离太远"
        WAGE_TOO_LOW = "wage_too_low", "工资偏低"
        WORKER_NOT_INTERESTED = "worker_not_interested", "劳动者无意向"
        POSTING_UNSUITABLE = "posting_unsuitable", "岗位/培训不合适"
        DUPLICATE = "duplicate", "重复推荐"
        OTHER = "other", "其他"

    class Outcome(models.TextChoices):
        NONE = "none", "暂无"
        APPLIED = "applied", "已报名/投递"
        REFERRED = "referred", "已推荐"
        INTERVIEW = "interview", "面试"
        HIRED = "hired", "已录用"
        REJECTED_BY_EMPLOYER = "rejected_by_employer", "未录用"
        ENROLLED = "enrolled", "已录取"
        COMPLETED = "completed", "已结业"
        CERTIFIED = "certified", "已取证"
        WITHDRAWN = "withdrawn", "已撤回/退出"

    LIVE = (Status.PENDING, Status.APPROVED)

    worker = models.ForeignKey(
        "workers.WorkerProfile", on_delete=models.CASCADE, related_name="suggestions", verbose_name="劳动者"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    posting = models.ForeignKey(
        "jobs.Posting", null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )
    session = models.ForeignKey(
        "training.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )
    score = models.FloatField("匹配分")
    rank = models.PositiveSmallIntegerField("名次")
    explanation = models.JSONField("推荐理由(数据)", default=dict, blank=True, encoder=DjangoJSONEncoder)
    pathways = models.JSONField("培训路径", default=list, blank=True, encoder=DjangoJSONEncoder)
    # Why a training is suggested (matching.core.types.REASONS); the plain sentence is explanation["summary"].
    reason = models.CharField("推荐原因", max_length=64, blank=True)
    # The pairwise features it was scored on (matching.core.features.FEATURE_NAMES order), kept
    # so `train_ranker` learns from what the ranker saw when staff decided, not today's data.
    features = models.JSONField("特征", default=list, blank=True)
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="suggestions")
    run = models.ForeignKey(
        MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason_code = models.CharField("驳回原因", max_length=32, choices=ReasonCode.choices, blank=True)
    note = models.TextField("备注", blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=24, choices=Outcome.choices, default=Outcome.NONE)
    outcome_at = models.DateTimeField("结果时间", null=True, blank=True)
    # What approval created (or found): the referral or the enrolment application.
    application = models.ForeignKey(
        "jobs.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    enrolment = models.ForeignKey(
        "training.Enrolment", null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )

    class Meta:
        verbose_name = "匹配建议"
        verbose_name_plural = "匹配建议"
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(
                name="suggestion_target_matches_kind",
                condition=Q(kind="job", posting__isnull=False, session__isnull=True)
                | Q(kind="training", session__isnull=False, posting__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["worker", "posting"],
                condition=Q(posting__isnull=False, status__in=["pending", "approved"]),
                name="one_live_suggestion_per_posting",
            ),
            models.UniqueConstraint(
                fields=["worker", "session"],
                condition=Q(session__isnull=False, status__in=["pending", "approved"]),
                name="one_live_suggestion_per_session",
            ),
            models.CheckConstraint(
                name="rejection_has_reason", condition=~Q(status="rejected") | ~Q(reason_code="")
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "kind", "status"]),
            models.Index(fields=["status", "score"]),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id}→{self.kind}:{self.item_id}"

    @property
    def item_id(self) -> int | None:
        return self.posting_id if self.kind == self.Kind.JOB else self.session_id


class SuggestionEvent(models.Model):
    """Append-only audit: who did what to a suggestion, when, and with which model version."""

    class Action(models.TextChoices):
        CREATED = "created", "生成"
        APPROVED = "approved", "通过"
        REJECTED = "rejected", "驳回"
        ANNOTATED = "annotated", "备注"
        OUTCOME = "outcome", "结果"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason_code = models.CharField(max_length=32, blank=True)
    outcome = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "建议审核记录"
        verbose_name_plural = "建议审核记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("SuggestionEvent is append-only.")
        super().save(*args, **kwargs)
