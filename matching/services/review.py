"""Staff review of suggestions: approve (→ a referral or an enrolment application) or reject, one
at a time or in bulk (all or nothing), and notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.common.errors import Conflict, DomainError, Message, PermissionDenied, ValidationFailed
from backend.jobs.models import Application
from backend.jobs.services import application_create
from matching import selectors
from matching.models import Suggestion, SuggestionEvent
from matching.policies import can_review_suggestions
from training.models import Enrolment
from training.services import enrolment_apply

from .outcomes import application_outcome, enrolment_outcome, reviewing

BULK_REVIEW_LIMIT = 200
NOTE_MAX = 1000
REFERRAL_NOTE = "就业服务人员根据匹配建议推荐"


def _check_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed.for_field(
            "note", "max_length", _("备注不能超过{limit}字。").format(limit=NOTE_MAX)
        )
    return note


def _check_decision(decision: str, reason_code: str | None) -> str:
    if decision not in ("approve", "reject"):
        raise ValidationFailed.for_field(
            "decision", "invalid_choice", _("审核结果只能是通过(approve)或驳回(reject)。")
        )
    if decision == "reject":
        if not reason_code:
            raise ValidationFailed.for_field("reason_code", "required", _("驳回时请选择原因。"))
        if reason_code not in Suggestion.ReasonCode.values:
            raise ValidationFailed.for_field("reason_code", "invalid_choice", _("驳回原因无效。"))
        return reason_code
    return ""


def _refer(actor: Any, suggestion: Suggestion) -> Application:
    """The staff referral (推荐) to the employer; links the worker's own application if there is one."""
    try:
        return application_create(
            actor=actor,
            data={"posting": suggestion.posting, "worker": suggestion.worker, "note": REFERRAL_NOTE},
        )
    except Conflict as exc:
        if exc.code == "already_applied":
            return Application.objects.get(worker_id=suggestion.worker_id, posting=suggestion.posting)
        if exc.code == "consent_required":
            raise Conflict(
                _("劳动者未同意向用人单位推荐,不能通过该岗位建议;请先征得劳动者同意并更新资料。"),
                code="consent_required",
            ) from None
        raise


def _apply_for_session(actor: Any, suggestion: Suggestion) -> Enrolment:
    try:
        return enrolment_apply(actor=actor, data={"session": suggestion.session, "worker": suggestion.worker})
    except Conflict as exc:
        if exc.code == "already_enrolled":
            return Enrolment.objects.get(worker_id=suggestion.worker_id, session=suggestion.session)
        raise


@transaction.atomic
def suggestion_review(
    *, actor: Any, suggestion: Suggestion, decision: str, reason_code: str | None = None, note: str = ""
) -> Suggestion:
    """Approve (→ a staff referral or an enrolment application) or reject (with a reason code)."""
    if not can_review_suggestions(actor, suggestion.worker):
        raise PermissionDenied(_("只有劳动者所在区县的就业服务人员可以审核匹配建议。"))
    reason_code = _check_decision(decision, reason_code)
    note = _check_note(note)
    locked = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("worker", "posting", "session")
        .get(pk=suggestion.pk)
    )
    if locked.status != Suggestion.Status.PENDING:
        raise Conflict(
            _("该建议{status},不能再审核。").format(status=locked.get_status_display()), code="not_pending"
        )
    from_status = locked.status
    now = timezone.now()
    fields = ["status", "reason_code", "reviewed_by", "reviewed_at", "updated_at"]
    if decision == "approve":
        locked.status = Suggestion.Status.APPROVED
        with reviewing(locked):
            if locked.kind == Suggestion.Kind.JOB:
                application = _refer(actor, locked)
                locked.application = application
                locked.outcome = application_outcome(application.status, application.source)
            else:
                enrolment = _apply_for_session(actor, locked)
                locked.enrolment = enrolment
                locked.outcome = enrolment_outcome(enrolment.status)
        locked.outcome_at = now
        fields += ["application", "enrolment", "outcome", "outcome_at"]
    else:
        locked.status = Suggestion.Status.REJECTED
    locked.reason_code = reason_code
    locked.reviewed_by = actor
    locked.reviewed_at = now
    if note:
        locked.note = note
        fields.append("note")
    locked.save(update_fields=fields)
    SuggestionEvent.objects.create(
        suggestion=locked,
        actor=actor,
        action=SuggestionEvent.Action.APPROVED if decision == "approve" else SuggestionEvent.Action.REJECTED,
        from_status=from_status,
        to_status=locked.status,
        reason_code=reason_code,
        outcome=locked.outcome if decision == "approve" else "",
        note=note,
        model_version_id=locked.model_version_id,
        at=now,
    )
    return locked


def suggestion_bulk_review(
    *, actor: Any, ids: Sequence[int], decision: str, reason_code: str | None = None, note: str = ""
) -> list[Suggestion]:
    """Review many at once, all or nothing: any failure rolls every one back, with an error per id."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ValidationFailed.for_field("ids", "required", _("请选择要审核的建议。"))
    if len(ids) > BULK_REVIEW_LIMIT:
        raise ValidationFailed.for_field(
            "ids", "too_many", _("一次最多审核{limit}条。").format(limit=BULK_REVIEW_LIMIT)
        )
    reason_code = _check_decision(decision, reason_code)
    note = _check_note(note)
    visible = {s.pk: s for s in selectors.suggestion_list(user=actor).filter(pk__in=ids)}
    errors: dict[str, list[dict[str, Message]]] = {}
    done: list[Suggestion] = []
    with transaction.atomic():
        # Lock every row up front in id order: two bulk reviews of overlapping ids in opposite
        # orders then queue behind each other instead of deadlocking row by row.
        list(Suggestion.objects.select_for_update(of=("self",)).filter(pk__in=visible).order_by("pk"))
        for pk in ids:
            suggestion = visible.get(pk)
            if suggestion is None:
                errors[f"ids.{pk}"] = [{"code": "not_found", "message": _("未找到该建议。")}]
                continue
            try:
                done.append(
                    suggestion_review(
                        actor=actor,
                        suggestion=suggestion,
                        decision=decision,
                        reason_code=reason_code,
                        note=note,
                    )
                )
            except DomainError as exc:
                errors[f"ids.{pk}"] = [{"code": exc.code, "message": exc.message}]
        if errors:
            raise Conflict(
                _("{count}条建议无法处理,本次审核全部未生效。").format(count=len(errors)),
                code="bulk_review_failed",
                fields=errors,
            )
    return done


@transaction.atomic
def suggestion_annotate(*, actor: Any, suggestion: Suggestion, note: str) -> Suggestion:
    if not can_review_suggestions(actor, suggestion.worker):
        raise PermissionDenied(_("只有劳动者所在区县的就业服务人员可以备注匹配建议。"))
    note = _check_note(note)
    if not note:
        raise ValidationFailed.for_field("note", "required", _("请填写备注。"))
    suggestion.note = note
    suggestion.save(update_fields=["note", "updated_at"])
    SuggestionEvent.objects.create(
        suggestion=suggestion,
        actor=actor,
        action=SuggestionEvent.Action.ANNOTATED,
        from_status=suggestion.status,
        to_status=suggestion.status,
        note=note,
        model_version_id=suggestion.model_version_id,
    )
    return suggestion
