"""Writes to the audit log. `record` is the one function other code calls for an explicit entry;
auditlog writes the create/update/delete entries of the tracked models itself (tracked.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.encoding import smart_str

from . import context
from .masking import mask_text
from .models import Entry

logger = logging.getLogger(__name__)
Event = Entry.Event


def record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request: Any = None,
) -> Entry:
    """Write one explicit entry: `action` is an `Entry.Event` code, `target` the row concerned (if
    any), `detail` a small JSON object without personal data (strings are masked regardless).

    The actor, address and request id come from `request` when given, else from the request being
    served (none in a Celery worker or a command). `actor` may be a non-user (the importer's
    system actor): it is recorded by name only.
    """
    if action not in Event.values:
        raise ValueError(f"unknown audit action {action!r}")
    entry = Entry(event=action, action=Entry.Action.ACCESS, additional_data=detail or {})
    user_model = get_user_model()
    if isinstance(actor, user_model):
        entry.actor = actor
    elif actor is not None:
        entry.actor_label = mask_text(str(getattr(actor, "username", actor)))[:150]
        entry.actor_role = str(getattr(actor, "role", ""))[:32]
    elif request is not None:
        entry.actor = context.request_user(request)
    if request is not None:
        entry.remote_addr = context.remote_addr(request)
        entry.cid = context.request_id(request)
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_pk = smart_str(target.pk)
        entry.object_id = target.pk if isinstance(target.pk, int) else None
        entry.object_repr = smart_str(target)
    entry.save()
    return entry
