"""Turn Django's model validation into the domain's field-level errors (translatable messages, English codes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import Message, PermissionDenied, ValidationFailed


def errors_as_fields(exc: ValidationError) -> dict[str, list[dict[str, str]]]:
    fields: dict[str, list[dict[str, str]]] = {}
    error_dict = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for field, errors in error_dict.items():
        key = "non_field_errors" if field == NON_FIELD_ERRORS else field
        for error in errors:
            message = error.message % error.params if error.params else error.message
            fields.setdefault(key, []).append({"code": error.code or "invalid", "message": str(message)})
    return fields


def validate_instance(instance: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    """full_clean() the instance, raising ValidationFailed with every field's errors."""
    try:
        instance.full_clean(exclude=list(exclude or []), validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        raise ValidationFailed(_("输入有误,请检查标出的字段。"), fields=errors_as_fields(exc)) from None


def apply_fields(instance: models.Model, data: dict, *, allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields present in `data`; returns the names that were given."""
    given = [name for name in allowed if name in data]
    for name in given:
        setattr(instance, name, data[name])
    return given


def refuse_changes(
    instance: models.Model, data: Mapping[str, Any], *, fields: Iterable[str], message: Message
) -> None:
    """Refuse (403, each field named) a change to any of `fields`: those the actor's role may not
    set. Checked before anything is set, and refused loudly rather than dropped, so an API client
    learns which field it may not send. Sending back the stored value is no change, so a client
    may PUT the whole object it read. `message` says who may set them."""
    refused = [
        name
        for name in fields
        if name in data and _incoming(instance, name, data[name]) != _stored(instance, name)
    ]
    if refused:
        problem = {"code": "field_not_writable", "message": message}
        raise PermissionDenied(
            _("您无权修改标出的字段。"),
            code="field_not_writable",
            fields={name: [problem] for name in refused},
        )


def _stored(instance: models.Model, name: str) -> Any:
    field = instance._meta.get_field(name)
    return getattr(instance, getattr(field, "attname", name))  # a foreign key's id, not the row


def _incoming(instance: models.Model, name: str, value: Any) -> Any:
    if instance._meta.get_field(name).is_relation and isinstance(value, models.Model):
        return value.pk
    return value
