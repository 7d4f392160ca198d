"""Query-string filters that never reach SQL with a value the database cannot hold.

A 20-digit id or a 3.4e38 wage is a 400 with a field message, on SQLite (whose INTEGER is 64-bit:
Python raises OverflowError) and PostgreSQL (bigint: DataError) alike. `FilterBackend` is the
default filter backend: filterset_fields get the bounded filters too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters import fields as filter_fields
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework import DjangoFilterBackend

ID_MAX = 2**63 - 1  # the largest primary key either database can store
ID_PATTERN = r"[0-9]{1,18}"  # a path id; longer ones are 404s before any lookup
NUMBER_LIMIT = Decimal(10**12)  # wages, counts and years: far beyond any real value


def storable_id(value: Any) -> int | None:
    """The id as an int when it is plain ASCII digits a primary key can hold, else None."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


class IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class BoundedNumberField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -NUMBER_LIMIT)
        kwargs.setdefault("max_value", NUMBER_LIMIT)
        super().__init__(**kwargs)


class BoundedModelChoiceField(filter_fields.ModelChoiceField):
    """Refuses an integer key out of range before the look-up (which would fail in the driver)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and self._integer_key() and storable_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def _integer_key(self) -> bool:
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        return isinstance(field, models.IntegerField | models.AutoField)


class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class BoundedNumberFilter(django_filters.NumberFilter):
    field_class = BoundedNumberField


class BoundedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = BoundedModelChoiceField


_NUMBERS = (
    models.IntegerField, models.SmallIntegerField, models.BigIntegerField, models.PositiveIntegerField,
    models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.DecimalField, models.FloatField,
)  # fmt: skip


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {
            **FILTER_FOR_DBFIELD_DEFAULTS[models.ForeignKey],
            "filter_class": BoundedModelChoiceFilter,
        },
        models.OneToOneField: {
            **FILTER_FOR_DBFIELD_DEFAULTS[models.OneToOneField],
            "filter_class": BoundedModelChoiceFilter,
        },
        **{field: {"filter_class": BoundedNumberFilter} for field in _NUMBERS},
    }


class FilterBackend(DjangoFilterBackend):
    filterset_base = FilterSet
