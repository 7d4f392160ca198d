"""backend.common.bulk: rows in, one prepared statement per batch out, values adapted by the fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.common import bulk
from matching.models import MatchingRun, ModelVersion

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.UTC)


def _version_row(name: str, **extra: object) -> dict[str, object]:
    return {"name": name, "kind": "baseline", "created_at": NOW, "updated_at": NOW, **extra}


def test_insert_rows_writes_every_row_and_missing_fields_take_their_defaults():
    rows = [
        _version_row("bulk-a", metrics={"ndcg@10": 0.5, "split": "时间"}),
        _version_row("bulk-b", kind="learned", artefact_path="/tmp/b.joblib"),
    ]
    assert bulk.insert_rows(ModelVersion, rows) == 2

    a, b = ModelVersion.objects.get(name="bulk-a"), ModelVersion.objects.get(name="bulk-b")
    assert a.metrics == {"ndcg@10": 0.5, "split": "时间"}  # JSON adapted by the field
    assert (b.metrics, b.trained_on, b.is_active, b.activated_at) == ({}, {}, False, None)  # defaults
    assert (b.kind, b.artefact_path, b.created_at, b.updated_at) == ("learned", "/tmp/b.joblib", NOW, NOW)


def test_insert_rows_takes_foreign_keys_by_attname():
    version = ModelVersion.objects.create(name="bulk-fk", kind="baseline")
    row = {"kind": "job", "model_version_id": version.pk, "county_codes": ["441881"], "created_at": NOW,
           "updated_at": NOW}  # fmt: skip
    bulk.insert_rows(MatchingRun, [row])

    run = MatchingRun.objects.get(model_version=version)
    assert (run.kind, run.county_codes, run.cursor, run.status) == ("job", ["441881"], 0, "pending")


def test_update_rows_changes_only_the_named_fields_of_the_rows_given():
    bulk.insert_rows(ModelVersion, [_version_row(f"bulk-u{i}") for i in range(3)])
    first, second, third = ModelVersion.objects.filter(name__startswith="bulk-u").order_by("name")
    later = NOW + dt.timedelta(days=1)
    rows = [
        {"pk": first.pk, "metrics": {"mrr": 1.0}, "updated_at": later},
        {"pk": second.pk, "metrics": {"mrr": 0.5}, "updated_at": later},
    ]
    assert bulk.update_rows(ModelVersion, rows, fields=["metrics", "updated_at"]) == 2

    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert (first.metrics, first.updated_at, first.name) == ({"mrr": 1.0}, later, "bulk-u0")
    assert (second.metrics, second.updated_at) == ({"mrr": 0.5}, later)
    assert (third.metrics, third.updated_at) == ({}, NOW)  # not in the rows: untouched


def test_one_statement_per_batch_and_nothing_for_no_rows():
    with CaptureQueriesContext(connection) as queries:
        assert bulk.insert_rows(ModelVersion, []) == 0
        assert bulk.update_rows(ModelVersion, [], fields=["metrics"]) == 0
    assert len(queries) == 0

    with CaptureQueriesContext(connection) as queries:
        bulk.insert_rows(ModelVersion, [_version_row(f"bulk-n{i}") for i in range(5)], batch_size=2)
    assert len(queries) == 3  # executemany of 2 + 2 + 1 rows
    assert ModelVersion.objects.filter(name__startswith="bulk-n").count() == 5

    pks = list(ModelVersion.objects.filter(name__startswith="bulk-n").values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        bulk.update_rows(ModelVersion, [{"pk": pk, "is_active": False} for pk in pks], fields=["is_active"])
    assert len(queries) == 1


def test_db_values_adapts_each_value_once_per_distinct_value():
    now = timezone.now()
    rows = [{"name": "x", "metrics": {"a": 1}, "updated_at": now}, {"name": "y", "updated_at": now}]
    values = bulk.db_values(ModelVersion, ["name", "metrics", "updated_at"], rows)

    assert [v[0] for v in values] == ["x", "y"]
    expected = ModelVersion._meta.get_field("updated_at").get_db_prep_save(now, connection)
    assert values[0][2] == values[1][2] == expected
    assert values[0][2] is values[1][2]  # the repeated timestamp was adapted once
    # A dict is unhashable, so JSON is adapted per row (its round trip: the insert test above).
    assert values[0][1] is not values[1][1]
