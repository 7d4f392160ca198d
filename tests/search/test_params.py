"""search.params: the query parameters, validated into a SearchQuery."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from search.params import JOB_ONLY_PARAMS, PARAM_OF_FIELD, TRAINING_ONLY_PARAMS, SearchParams
from search.query import ONE_KIND_FILTERS, Kind

PARAM_VALUES = {
    "wage_floor": "6000",
    "lodging": "true",
    "meals": "true",
    "social_insurance": "true",
    "campaign": "nanyue-spring",
    "employer": "12",
    "brand": "yuecai",
    "delivery": "online",
    "provider": "4",
    "free": "true",
    "start_from": "2025-05-01",
    "start_to": "2025-06-30",
}


def test_one_kind_params_are_params():
    assert set(JOB_ONLY_PARAMS) | set(TRAINING_ONLY_PARAMS) <= set(SearchParams().fields)
    assert set(PARAM_OF_FIELD.values()) <= set(SearchParams().fields)


@pytest.mark.parametrize("name", ONE_KIND_FILTERS)
def test_each_one_kind_param_sets_its_query_field(name):
    param = PARAM_OF_FIELD.get(name, name)
    params = SearchParams(data=QueryDict(f"{param}={PARAM_VALUES[param]}"))
    assert params.is_valid(), params.errors

    query = params.to_query()
    assert query.is_set(name)
    assert query.allowed_kinds() == [ONE_KIND_FILTERS[name]]
    assert param in (JOB_ONLY_PARAMS if ONE_KIND_FILTERS[name] == Kind.JOB else TRAINING_ONLY_PARAMS)
