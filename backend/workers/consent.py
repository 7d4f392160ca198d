"""Consent as records (PIPL Arts. 14-16): giving or withdrawing appends a ConsentRecord; the latest
record of a purpose is its state, mirrored on the profile's consent_* booleans so every reader
keeps one cheap column. This module is the only writer of those booleans.

`consent_withdrawn` is sent inside the writing transaction when a purpose goes from given to
withdrawn (kwargs: `worker_ids`, `purpose`); matching listens and withdraws the pending
suggestions of workers who no longer want them. Workers does not import matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.common.errors import PermissionDenied, ValidationFailed

from .models import ConsentChannel, ConsentPurpose, ConsentRecord, WorkerProfile
from .policies import can_manage_worker

consent_withdrawn = Signal()

MIRRORS: dict[str, str] = {
    ConsentPurpose.DATA_PROCESSING: "consent_data_processing",
    ConsentPurpose.SHARE_WITH_EMPLOYERS: "consent_share_with_employers",
    ConsentPurpose.CONTACT: "consent_contact",
    ConsentPurpose.PERSONALISED_RECOMMENDATIONS: "consent_personalised_recommendations",
}
FIELD_PURPOSES: dict[str, str] = {field: purpose for purpose, field in MIRRORS.items()}
# What a profile registered without saying starts with: processing must be given explicitly;
# personalised recommendation is on until refused (Art. 24 asks for an easy way out).
REGISTRATION_DEFAULTS: dict[str, bool] = {
    ConsentPurpose.DATA_PROCESSING: False,
    ConsentPurpose.SHARE_WITH_EMPLOYERS: False,
    ConsentPurpose.CONTACT: False,
    ConsentPurpose.PERSONALISED_RECOMMENDATIONS: True,
}
BATCH_SIZE = 1000


def unsaved_default(field: str) -> bool:
    """The value a consent_* field has on a profile before the service records anything."""
    model_field = WorkerProfile._meta.get_field(field)
    assert isinstance(model_field, models.BooleanField)
    return bool(model_field.get_default())


def policy_version() -> str:
    return str(settings.PRIVACY_POLICY_VERSION)


def default_channel(actor: Any) -> str:
    """The web page the actor works in: staff at the window, a worker on their own phone."""
    return ConsentChannel.WEB if role_of(actor) == "worker" else ConsentChannel.WINDOW


def consents_from_fields(data: Mapping[str, Any]) -> dict[str, bool]:
    """{purpose: given} of the consent_* fields present in a profile's input."""
    return {purpose: bool(data[field]) for field, purpose in FIELD_PURPOSES.items() if field in data}


def _check(given: Mapping[str, bool], channel: str) -> None:
    unknown = set(given) - set(MIRRORS)
    if unknown:
        raise ValidationFailed.for_field("purpose", "invalid_choice", _("没有这种同意事项。"))
    if channel not in ConsentChannel.values:
        raise ValidationFailed.for_field("channel", "invalid_choice", _("没有这种登记渠道。"))


def _record_many(
    entries: Sequence[tuple[WorkerProfile, Mapping[str, bool]]],
    *,
    channel: str,
    actor: Any,
    record_unchanged: bool,
) -> list[ConsentRecord]:
    """Append a record per changed purpose (per given purpose with `record_unchanged`, as at
    registration), update the mirrors in bulk, announce withdrawals. No permission check."""
    now = timezone.now()
    version = policy_version()
    recorder = actor if getattr(actor, "pk", None) else None
    records: list[ConsentRecord] = []
    flips: dict[tuple[str, bool], list[int]] = {}
    for worker, given in entries:
        _check(given, channel)
        for purpose, value in given.items():
            field = MIRRORS[purpose]
            changed = getattr(worker, field) != value
            if not (changed or record_unchanged):
                continue
            records.append(
                ConsentRecord(worker=worker, purpose=purpose, given=value, policy_version=version,
                              channel=channel, at=now, recorded_by=recorder)
            )  # fmt: skip
            if changed:
                setattr(worker, field, value)
                flips.setdefault((purpose, value), []).append(worker.pk)
    ConsentRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
    for (purpose, value), ids in flips.items():
        for start in range(0, len(ids), BATCH_SIZE):
            WorkerProfile.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
                **{MIRRORS[purpose]: value}
            )
        if not value:
            consent_withdrawn.send(sender=ConsentRecord, worker_ids=ids, purpose=purpose)
    return records


@transaction.atomic
def consents_record(
    *,
    worker: WorkerProfile,
    given: Mapping[str, bool],
    channel: str,
    actor: Any = None,
    at_registration: bool = False,
) -> list[ConsentRecord]:
    """Record what the worker said about some purposes (the profile services and the consent page
    call this; permissions are the caller's). Unchanged purposes add nothing, except at
    registration, where every purpose is recorded once so the history starts complete."""
    if at_registration:
        given = {**REGISTRATION_DEFAULTS, **given}
    return _record_many([(worker, given)], channel=channel, actor=actor, record_unchanged=at_registration)


@transaction.atomic
def consents_record_many(
    *,
    entries: Sequence[tuple[WorkerProfile, Mapping[str, bool]]],
    channel: str,
    actor: Any = None,
    new_ids: Iterable[int] = (),
) -> list[ConsentRecord]:
    """The bulk form for imports and the demo: profiles in `new_ids` get every purpose recorded
    (their defaults filled in), the others only what changed."""
    new = set(new_ids)
    fresh = [(w, {**REGISTRATION_DEFAULTS, **g}) for w, g in entries if w.pk in new]
    known = [(w, g) for w, g in entries if w.pk not in new]
    return [
        *_record_many(fresh, channel=channel, actor=actor, record_unchanged=True),
        *_record_many(known, channel=channel, actor=actor, record_unchanged=False),
    ]


def consent_set(
    *, actor: Any, worker: WorkerProfile, purpose: str, given: bool, channel: str | None = None
) -> ConsentRecord | None:
    """The worker (or staff at the window) turns one purpose on or off; None when it was already so."""
    if not can_manage_worker(actor, worker):
        raise PermissionDenied(_("无权修改该劳动者的同意事项。"))
    if worker.anonymised_at is not None:
        raise PermissionDenied(_("该账号已注销。"))
    if purpose not in MIRRORS:
        raise ValidationFailed.for_field("purpose", "invalid_choice", _("没有这种同意事项。"))
    records = consents_record(
        worker=worker, given={purpose: bool(given)}, channel=channel or default_channel(actor), actor=actor
    )
    return records[0] if records else None


def consent_state(*, worker: WorkerProfile) -> dict[str, bool]:
    """The state the records say (latest per purpose); the mirrors must agree with it."""
    state: dict[str, bool] = {}
    for purpose, given in worker.consent_records.order_by("at", "pk").values_list("purpose", "given"):
        state[purpose] = given
    return state


def consent_history(*, worker: WorkerProfile) -> list[ConsentRecord]:
    return list(worker.consent_records.select_related("recorded_by").order_by("-at", "-pk"))
