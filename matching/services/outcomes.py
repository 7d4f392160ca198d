"""What became of suggestions: outcomes from their applications and enrolments.

At once through the hooks (`outcomes_for_application` / `outcomes_for_enrolment`, connected to the
jobs and training status signals in `MatchingConfig.ready`), and periodically by `outcomes_sync`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.common.errors import ValidationFailed
from backend.jobs.models import Application
from matching.models import Suggestion, SuggestionEvent
from training.models import Enrolment

# The suggestion `suggestion_review` is approving: it links and records the referral/enrolment
# it creates itself (in its "approved" event), so the outcome hooks leave that one alone.
_under_review: ContextVar[int | None] = ContextVar("matching_suggestion_under_review", default=None)

# What the linked application or enrolment says about a suggestion's outcome.
APPLICATION_OUTCOMES = {
    Application.Status.INTERVIEW: Suggestion.Outcome.INTERVIEW,
    Application.Status.HIRED: Suggestion.Outcome.HIRED,
    Application.Status.REJECTED: Suggestion.Outcome.REJECTED_BY_EMPLOYER,
    Application.Status.WITHDRAWN: Suggestion.Outcome.WITHDRAWN,
}
ENROLMENT_OUTCOMES = {
    Enrolment.Status.APPLIED: Suggestion.Outcome.APPLIED,
    Enrolment.Status.ENROLLED: Suggestion.Outcome.ENROLLED,
    Enrolment.Status.COMPLETED: Suggestion.Outcome.COMPLETED,
    Enrolment.Status.CERTIFIED: Suggestion.Outcome.CERTIFIED,
    Enrolment.Status.DROPPED: Suggestion.Outcome.WITHDRAWN,
}


def application_outcome(status: str, source: str) -> str:
    if status in APPLICATION_OUTCOMES:
        return APPLICATION_OUTCOMES[Application.Status(status)]
    # submitted / viewed: the referral (or the worker's own application) is with the employer.
    return (
        Suggestion.Outcome.REFERRED
        if source == Application.Source.STAFF_REFERRAL
        else Suggestion.Outcome.APPLIED
    )


def enrolment_outcome(status: str) -> str:
    return ENROLMENT_OUTCOMES.get(Enrolment.Status(status), Suggestion.Outcome.APPLIED)


@contextmanager
def reviewing(suggestion: Suggestion) -> Iterator[None]:
    """While `suggestion_review` approves `suggestion`, the hooks leave that one to it."""
    token = _under_review.set(suggestion.pk)
    try:
        yield
    finally:
        _under_review.reset(token)


def suggestion_record_outcome(*, suggestion: Suggestion, outcome: str, actor: Any = None) -> Suggestion:
    """Record what became of a suggestion (an "outcome" event); nothing when it is already that."""
    if outcome not in Suggestion.Outcome.values:
        raise ValidationFailed.for_field("outcome", "invalid_choice", _("结果无效。"))
    if suggestion.outcome == outcome:
        return suggestion
    now = timezone.now()
    with transaction.atomic():
        previous = suggestion.outcome
        suggestion.outcome, suggestion.outcome_at = outcome, now
        suggestion.save(update_fields=["outcome", "outcome_at", "updated_at"])
        SuggestionEvent.objects.create(
            suggestion=suggestion,
            actor=actor if role_of(actor) != "anonymous" else None,
            action=SuggestionEvent.Action.OUTCOME,
            from_status=suggestion.status,
            to_status=suggestion.status,
            outcome=outcome,
            note=f"{previous}→{outcome}",
            model_version_id=suggestion.model_version_id,
            at=now,
        )
    return suggestion


def _outcomes_for(
    field: str, target: Application | Enrolment, item: dict[str, Any], outcome: str, actor: Any
) -> list[Suggestion]:
    """Link the worker's live unlinked suggestions for the item to `target`, then record `outcome`
    on every suggestion linked to it (the one `suggestion_review` is approving aside)."""
    reviewing = _under_review.get()
    with transaction.atomic():
        unlinked = Suggestion.objects.filter(
            worker_id=target.worker_id, status__in=Suggestion.LIVE, **item, **{f"{field}__isnull": True}
        )
        linked = Suggestion.objects.select_for_update(of=("self",)).filter(**{field: target})
        if reviewing is not None:
            unlinked, linked = unlinked.exclude(pk=reviewing), linked.exclude(pk=reviewing)
        unlinked.update(**{field: target}, updated_at=timezone.now())
        return [
            suggestion_record_outcome(suggestion=suggestion, outcome=outcome, actor=actor)
            for suggestion in linked.order_by("pk")
        ]


def outcomes_for_application(*, application: Application, actor: Any = None) -> list[Suggestion]:
    """The direct hook: what the application's status says, recorded at once on its suggestions.

    Called in the transaction that created the application or changed its status (through the
    `backend.jobs.services.application_status_changed` signal, connected in MatchingConfig.ready).
    Live suggestions of the same worker and posting not yet linked (the worker applied on their
    own) are linked first. The actor (employer, worker, staff) is recorded on each outcome event.
    """
    outcome = application_outcome(application.status, application.source)
    return _outcomes_for("application", application, {"posting_id": application.posting_id}, outcome, actor)


def outcomes_for_enrolment(*, enrolment: Enrolment, actor: Any = None) -> list[Suggestion]:
    """The same for an enrolment (signal `training.services.enrolment_status_changed`)."""
    outcome = enrolment_outcome(enrolment.status)
    return _outcomes_for("enrolment", enrolment, {"session_id": enrolment.session_id}, outcome, actor)


def on_application_status_changed(
    sender: Any, *, application: Application, actor: Any = None, **_: Any
) -> None:
    outcomes_for_application(application=application, actor=actor)


def on_enrolment_status_changed(sender: Any, *, enrolment: Enrolment, actor: Any = None, **_: Any) -> None:
    outcomes_for_enrolment(enrolment=enrolment, actor=actor)


def _link_own_actions() -> int:
    """Link live suggestions to the worker's own application/enrolment for the same item."""
    linked = 0
    same_application = Application.objects.filter(
        worker_id=OuterRef("worker_id"), posting_id=OuterRef("posting_id")
    )
    same_enrolment = Enrolment.objects.filter(
        worker_id=OuterRef("worker_id"), session_id=OuterRef("session_id")
    )
    for kind, field, subquery in (
        (Suggestion.Kind.JOB, "application_id", same_application),
        (Suggestion.Kind.TRAINING, "enrolment_id", same_enrolment),
    ):
        rows = (
            Suggestion.objects.filter(
                kind=kind, status__in=Suggestion.LIVE, **{f"{field[:-3]}__isnull": True}
            )
            .annotate(found=Subquery(subquery.values("pk")[:1]))
            .filter(found__isnull=False)
            .values_list("pk", "found")
        )
        updates = [Suggestion(pk=pk, **{field: found}) for pk, found in rows]
        Suggestion.objects.bulk_update(updates, fields=[field], batch_size=500)
        linked += len(updates)
    return linked


def outcomes_sync() -> int:
    """Bring suggestion outcomes in line with their applications and enrolments, in bulk.

    The safety net, run periodically (task `matching.sweep`). Outcomes normally arrive at once,
    through `outcomes_for_application` / `outcomes_for_enrolment`, which the jobs and training
    services trigger (signals) whenever they create an application/enrolment or change its status.
    This catches what those hooks cannot see: rows written around the services (Django admin,
    imports, the shell, data fixes) and suggestions a run creates after the worker had already
    applied or enrolled. Only differences are written, so after the hooks it records nothing
    again (no duplicate events); its events carry no actor.
    """
    _link_own_actions()
    rows = (
        Suggestion.objects.filter(Q(application__isnull=False) | Q(enrolment__isnull=False))
        .values_list("pk", "status", "outcome", "model_version_id", "application__status", "application__source",
                     "enrolment__status")
        .iterator(chunk_size=2000)
    )  # fmt: skip
    changes: dict[str, list[tuple[int, str, str, int]]] = defaultdict(list)
    for pk, status, old, model_id, app_status, app_source, enrol_status in rows:
        new = application_outcome(app_status, app_source) if app_status else enrolment_outcome(enrol_status)
        if new != old:
            changes[new].append((pk, status, old, model_id))
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for outcome, items in changes.items():
            for start in range(0, len(items), 1000):
                part = items[start : start + 1000]
                Suggestion.objects.filter(pk__in=[p[0] for p in part]).update(
                    outcome=outcome, outcome_at=now, updated_at=now
                )
                SuggestionEvent.objects.bulk_create(
                    SuggestionEvent(
                        suggestion_id=pk, action=SuggestionEvent.Action.OUTCOME, from_status=status,
                        to_status=status, outcome=outcome, note=f"{old}→{outcome}", model_version_id=model_id, at=now,
                    )
                    for pk, status, old, model_id in part
                )  # fmt: skip
                changed += len(part)
    return changed
