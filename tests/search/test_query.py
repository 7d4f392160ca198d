"""search.query: the one-kind filters and the kinds a query leaves in play."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from search.query import JOB_ONLY_FILTERS, ONE_KIND_FILTERS, TRAINING_ONLY_FILTERS, Kind, SearchQuery

# A value that sets each one-kind filter (the ES and params tests set them the same way).
ONE_KIND_VALUES = {
    "wage_floor": 6000,
    "lodging": True,
    "meals": True,
    "social_insurance": True,
    "campaign": "nanyue-spring",
    "employer": 12,
    "brands": ("yuecai",),
    "delivery": ("online",),
    "provider": 4,
    "free_or_subsidised": True,
    "start_from": dt.date(2025, 5, 1),
    "start_to": dt.date(2025, 6, 30),
}


def test_one_kind_filters_are_query_fields_and_each_belongs_to_one_kind():
    fields = {f.name for f in dataclasses.fields(SearchQuery)}
    assert set(ONE_KIND_FILTERS) <= fields
    assert not set(JOB_ONLY_FILTERS) & set(TRAINING_ONLY_FILTERS)
    assert set(ONE_KIND_VALUES) == set(ONE_KIND_FILTERS)


@pytest.mark.parametrize("name", ONE_KIND_FILTERS)
def test_a_one_kind_filter_leaves_only_its_kind(name):
    query = SearchQuery(**{name: ONE_KIND_VALUES[name]})

    assert query.is_set(name)
    assert query.allowed_kinds() == [ONE_KIND_FILTERS[name]]


def test_filters_of_both_kinds_leave_no_kind():
    assert SearchQuery(wage_floor=0, brands=("yuecai",)).allowed_kinds() == []


def test_unset_filters_leave_the_requested_kinds():
    assert SearchQuery().allowed_kinds() == [Kind.JOB, Kind.TRAINING]
    assert SearchQuery(kinds=(Kind.TRAINING,), campaign="").allowed_kinds() == [Kind.TRAINING]
