"""Turn Django's model validation into the domain's field-level errors (translatable messages, English codes)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


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
