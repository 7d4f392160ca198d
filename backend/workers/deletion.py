"""Deletion on request (申请注销/删除, PIPL Art. 47): the worker asks (or staff record a request made
in person), staff covering the worker's county confirm, which anonymises the profile in the same
transaction, or refuse with a reason."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.common.errors import Conflict, PermissionDenied, ValidationFailed

from . import consent, privacy
from .models import ConsentChannel, DeletionRequest, WorkerProfile
from .policies import can_decide_deletion, can_request_deletion

REASON_MAX = 200


@transaction.atomic
def deletion_request_create(
    *, actor: Any, worker: WorkerProfile, channel: str | None = None
) -> DeletionRequest:
    """A pending request; one at a time per worker."""
    if not can_request_deletion(actor, worker):
        raise PermissionDenied(_("无权为该劳动者申请注销。"))
    if worker.anonymised_at is not None:
        raise Conflict(_("该账号已注销。"), code="already_anonymised")
    WorkerProfile.objects.select_for_update().filter(pk=worker.pk).first()  # one request at a time
    if DeletionRequest.objects.filter(worker=worker, status=DeletionRequest.Status.PENDING).exists():
        raise Conflict(_("已有一份注销申请在处理中。"), code="deletion_pending")
    return DeletionRequest.objects.create(
        worker=worker,
        channel=channel or consent.default_channel(actor),
        requested_by=actor if getattr(actor, "pk", None) else None,
    )


def _pending(actor: Any, request: DeletionRequest) -> DeletionRequest:
    if role_of(actor) == "worker" or not can_decide_deletion(actor, request.worker):
        raise PermissionDenied(_("只有劳动者所在辖区的就业服务人员可以处理注销申请。"))
    locked = (
        DeletionRequest.objects.select_for_update(of=("self",)).select_related("worker").get(pk=request.pk)
    )
    if locked.status != DeletionRequest.Status.PENDING:
        raise Conflict(_("该注销申请已经处理过了。"), code="deletion_decided")
    return locked


@transaction.atomic
def deletion_request_confirm(*, actor: Any, request: DeletionRequest) -> DeletionRequest:
    """Confirm and anonymise the profile, both or neither."""
    request = _pending(actor, request)
    privacy.worker_anonymise(worker=request.worker, actor=actor, channel=request.channel)
    request.status = DeletionRequest.Status.CONFIRMED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return request


@transaction.atomic
def deletion_request_refuse(*, actor: Any, request: DeletionRequest, reason: str) -> DeletionRequest:
    """Refuse with a reason the worker will read (e.g. an application still being processed)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", "required", _("请填写不予注销的原因。"))
    if len(reason) > REASON_MAX:
        raise ValidationFailed.for_field(
            "reason", "max_length", _("原因不能超过{n}个字。").format(n=REASON_MAX)
        )
    request = _pending(actor, request)
    request.status = DeletionRequest.Status.REFUSED
    request.refusal_reason = reason
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at", "updated_at"])
    return request


@transaction.atomic
def deletion_request_in_person(*, actor: Any, worker: WorkerProfile) -> DeletionRequest:
    """Staff at the window: the worker asked in person, staff confirm on the spot."""
    request = deletion_request_create(actor=actor, worker=worker, channel=ConsentChannel.WINDOW)
    return deletion_request_confirm(actor=actor, request=request)
