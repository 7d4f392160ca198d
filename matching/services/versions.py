"""The ranker registry: store a trained version (hook for `train_ranker`), switch the active one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.common.errors import PermissionDenied
from matching import engine
from matching.models import ModelVersion
from matching.policies import can_activate_model_version

from .jsonable import jsonable


@transaction.atomic
def model_version_register(
    *,
    name: str,
    kind: str,
    artefact_path: str = "",
    metrics: dict[str, Any] | None = None,
    trained_on: dict[str, Any] | None = None,
    activate: bool = False,
) -> ModelVersion:
    """Store a newly trained (and evaluated) version; `train_ranker` activates it only if it is better."""
    version = ModelVersion.objects.create(
        name=name,
        kind=kind,
        artefact_path=artefact_path,
        metrics=jsonable(metrics or {}),
        trained_on=jsonable(trained_on or {}),
    )
    if activate:
        _activate(version)
    return version


def _activate(version: ModelVersion) -> ModelVersion:
    now = timezone.now()
    ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False, updated_at=now)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True, activated_at=now, updated_at=now)
    version.refresh_from_db()
    transaction.on_commit(lambda: engine.reset(model_only=True))
    return version


@transaction.atomic
def model_version_activate(*, actor: Any, version: ModelVersion) -> ModelVersion:
    """An admin switches the active ranker (e.g. back to the baseline)."""
    if not can_activate_model_version(actor, version):
        raise PermissionDenied(_("只有管理员可以切换排序模型。"))
    return _activate(version)
