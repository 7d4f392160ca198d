"""Work recorded in the writing transaction (the outbox), and the first answer to each
`Idempotency-Key`: together they make a write neither fail because a queue is down nor happen
twice because a client retried."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One Celery task to send: written with the change it follows, sent after commit."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not before this time: the writer's own relay has it until then, or a failed send backs off.
    available_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = _("发件箱消息")
        indexes = [
            # The relay's query (due, oldest first) and the health check read only unsent rows.
            models.Index(
                fields=["available_at", "id"], condition=Q(sent_at__isnull=True), name="outbox_unsent"
            ),
            models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=False), name="outbox_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class IdempotencyRecord(models.Model):
    """The first successful answer to a user's `Idempotency-Key`, kept for a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request = models.CharField(max_length=300)  # "POST /api/v1/postings/"
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    status_code = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = _("幂等键记录")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.request} ({self.key[:20]})"
