"""An index document's content hash: equal documents agree, any change in what it holds shows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from search.query import Kind
from tests.search.test_elasticsearch_backend import document


def test_equal_documents_have_equal_hashes():
    assert document().content_hash == document().content_hash


@pytest.mark.parametrize(
    "change",
    [
        {"title": "东莞电子厂普工(夜班)"},
        {"body_tokens": "长白 白班"},
        {"kind": Kind.TRAINING},
        {"id": 8},
        {"skills": ["soldering", "packing"]},
        {"lat": 23.03},
        {"wage_max": None},
        {"lodging": False},
        {"session_starts": [dt.date(2025, 5, 1)]},
        {"published_at": dt.datetime(2025, 3, 2, tzinfo=dt.UTC)},
        {"display": {"employer": "另一家电子厂"}},
    ],
)
def test_any_change_in_the_document_changes_its_hash(change):
    before = document()

    assert dataclasses.replace(before, **change).content_hash != before.content_hash
