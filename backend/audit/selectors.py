"""Reads of the audit log (the auditor's page, API and export): newest first, filtered."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Entry
from .tracked import TRACKED

# Target types an auditor can filter by: the tracked models, and what explicit entries point at.
TARGET_TYPES = (*TRACKED, "matching.MatchingRun")
# Models whose verbose name is not Chinese.
_NAMES = {"workers.WorkerSkill": _("劳动者技能"), "workers.WorkerCertificate": _("劳动者证书")}


def target_type_choices() -> list[tuple[str, str]]:
    """("app_label.model", name) for the filter."""
    return [
        (
            apps.get_model(label)._meta.label_lower,
            str(_NAMES.get(label) or apps.get_model(label)._meta.verbose_name),
        )
        for label in TARGET_TYPES
    ]


def entry_list(
    *,
    actor: str = "",
    event: str = "",
    target_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Entry]:
    """Entries matching every filter given; `actor` is part of the account name as recorded,
    `target_type` an "app_label.model" label, the dates inclusive in the local time zone."""
    entries = Entry.objects.select_related("content_type").order_by("-timestamp", "-id")
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if event:
        entries = entries.filter(event=event)
    if target_type:
        app_label, _dot, model = target_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if date_from:
        entries = entries.filter(timestamp__date__gte=date_from)
    if date_to:
        entries = entries.filter(timestamp__date__lte=date_to)
    return entries
