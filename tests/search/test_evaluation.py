"""Search relevance evaluation: the metrics, the judged query set, and the command with a floor."""

from __future__ import annotations

import io
import json
import math
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from backend.imports.schemas import SCHEMAS
from backend.regions.models import Division
from search.evaluation import build_corpus
from search.evaluation.metrics import dcg, mrr, ndcg_at_k, recall_at_k, reciprocal_rank
from search.evaluation.runner import (
    CORPUS_FILES,
    DEFAULT_CORPUS,
    DEFAULT_JUDGMENTS,
    EvaluationError,
    load_judgments,
)

# Measured on this corpus and judgments with the embedded FTS5 backend: NDCG@10 0.9434,
# recall@10 0.6286, MRR 0.9859 over 71 queries (0.9215 before benefit words became filters).
# The floor is the measurement minus 0.03, rounded down: a change to analysis or ranking that
# costs more than that fails here. Raise it when the engine improves (the weak queries are listed
# by `manage.py search_eval --per-query`).
NDCG_FLOOR = 0.91
MIN_QUERIES = 50


# --- metrics, on examples worked by hand ----------------------------------------------------------
def test_dcg_uses_exponential_gain_and_log2_discount():
    # grades 3, 0, 2 at ranks 1, 2, 3: 7/log2(2) + 0/log2(3) + 3/log2(4) = 7 + 0 + 1.5
    assert dcg([3, 0, 2]) == pytest.approx(8.5)


def test_ndcg_against_the_ideal_of_all_judged_documents():
    judgments = {"a": 3, "c": 2, "d": 1}  # d is judged relevant but not retrieved
    # DCG = 8.5 (above); ideal 3, 2, 1 = 7 + 3/log2(3) + 1/log2(4) = 9.3928
    expected = 8.5 / (7 + 3 / math.log2(3) + 0.5)
    assert ndcg_at_k(["a", "b", "c"], judgments, k=3) == pytest.approx(expected)
    assert expected == pytest.approx(0.904950, abs=1e-6)


def test_ndcg_a_missed_relevant_document_costs_even_if_the_ranking_is_perfect_so_far():
    # only a is retrieved; b (also 3) is missing: 7 / (7 + 7/log2(3)) = 0.6131
    assert ndcg_at_k(["a"], {"a": 3, "b": 3}) == pytest.approx(7 / (7 + 7 / math.log2(3)))


def test_ndcg_edge_cases():
    assert ndcg_at_k(["a", "b"], {"a": 3, "b": 1}) == pytest.approx(1.0)
    assert ndcg_at_k(["b", "a"], {"a": 3, "b": 1}) == pytest.approx(
        (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))
    )
    assert ndcg_at_k(["x", "a"], {"a": 3}, k=1) == 0.0  # the cut-off
    assert ndcg_at_k(["x"], {"a": 0}) == 0.0  # nothing relevant to find
    assert ndcg_at_k([], {"a": 2}) == 0.0
    assert ndcg_at_k(["a", "a", "b"], {"a": 3, "b": 3}) == pytest.approx(1.0)  # a repeat counts once
    with pytest.raises(ValueError, match="k must be"):
        ndcg_at_k(["a"], {"a": 1}, k=0)


def test_recall_at_k():
    judgments = {"a": 3, "b": 1, "c": 2}
    assert recall_at_k(["a", "x", "b"], judgments, k=2) == pytest.approx(1 / 3)
    assert recall_at_k(["a", "x", "b"], judgments, k=3) == pytest.approx(2 / 3)
    assert recall_at_k(["a", "x", "b"], judgments, k=3, min_grade=2) == pytest.approx(1 / 2)
    assert recall_at_k(["a"], {"a": 0}) == 0.0


def test_reciprocal_rank_and_mrr():
    assert reciprocal_rank(["x", "y", "a"], {"a": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "a"], {"a": 1}, min_grade=2) == 0.0
    assert reciprocal_rank([], {"a": 3}) == 0.0
    runs = [(["x", "y", "a"], {"a": 2}), (["b"], {"b": 3}), (["x"], {"a": 3})]
    assert mrr(runs) == pytest.approx((1 / 3 + 1 + 0) / 3)
    assert mrr([]) == 0.0


# --- the judged query set and the corpus (read from the files, no database) -----------------------
def _corpus_rows(kind: str) -> list[dict]:
    path = Path(DEFAULT_CORPUS) / f"{kind}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_corpus_files_use_the_import_format():
    for kind in CORPUS_FILES:
        rows = _corpus_rows(kind)
        fields = {column.field for column in SCHEMAS[kind].columns}
        required = {column.field for column in SCHEMAS[kind].required}
        ids = [row["external_id"] for row in rows]
        assert len(ids) == len(set(ids)), kind
        for row in rows:
            assert set(row) <= fields, (kind, set(row) - fields)
            assert required <= set(row), (kind, required - set(row))
    assert len(_corpus_rows("postings")) >= 300
    assert len(_corpus_rows("programs")) >= 80


def test_the_corpus_is_what_build_corpus_writes_from_its_sources(tmp_path):
    tables = build_corpus.build(random.Random(build_corpus.SEED), build_corpus.load_sources())
    build_corpus.write(tmp_path, tables)

    for kind in CORPUS_FILES:
        name = f"{kind}.jsonl"
        assert (tmp_path / name).read_bytes() == (DEFAULT_CORPUS / name).read_bytes(), name


def test_judgments_cover_enough_queries_and_only_corpus_documents():
    queries = load_judgments()
    assert len(queries) >= MIN_QUERIES
    documents = {row["external_id"] for kind in ("postings", "programs") for row in _corpus_rows(kind)}
    searchable = {
        row["external_id"]
        for kind, open_status in (("postings", "招聘中"), ("programs", "已发布"))
        for row in _corpus_rows(kind)
        if row["status"] == open_status
    }
    for query in queries:
        assert set(query.relevance) <= documents, query.label
        assert set(query.relevance) <= searchable, f"{query.label}: judges a closed or draft row"
        assert max(query.relevance.values()) >= 1, query.label


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- q: 月嫂\n  relevant: {eval-post-001: 4}\n", "grades must be integers"),
        ("- q: 月嫂\n  relevant: {eval-post-001: 0}\n", "no document judged relevant"),
        ("- q: 月嫂\n  wage: 5000\n  relevant: {eval-post-001: 3}\n", "unknown keys"),
        ("- relevant: {eval-post-001: 3}\n", "needs a text `q`"),
    ],
)
def test_bad_judgments_are_refused(tmp_path, entry, message):
    path = tmp_path / "judgments.yaml"
    path.write_text("queries:\n" + "\n".join("  " + line for line in entry.splitlines()) + "\n", "utf-8")
    with pytest.raises(EvaluationError, match=message):
        load_judgments(path)


# --- the command, end to end ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def evaluation(django_db_setup, django_db_blocker):
    """One run of the command for the module: it imports the corpus into its own throwaway
    database (isolated_database), so the test database only has to be reachable."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        divisions = Division.objects.count()
        call_command("search_eval", "--per-query", stdout=out)
        assert Division.objects.count() == divisions  # the test database is untouched
    lines = out.getvalue().strip().splitlines()
    return json.loads(lines[-1]), lines[:-1]


def test_command_prints_the_summary_as_json(evaluation):
    summary, _table = evaluation
    assert set(summary) == {"ndcg@10", "recall@10", "mrr", "queries"}
    assert summary["queries"] >= MIN_QUERIES
    assert summary["queries"] == len(load_judgments(DEFAULT_JUDGMENTS))
    for name in ("ndcg@10", "recall@10", "mrr"):
        assert 0.0 <= summary[name] <= 1.0


def test_per_query_table_lists_every_query_weakest_first(evaluation):
    summary, table = evaluation
    assert table[0].split()[:2] == ["ndcg@10", "recall"]
    rows = table[1:]
    assert len(rows) == summary["queries"]
    scores = [float(row.split()[0]) for row in rows]
    assert scores == sorted(scores)


def test_ndcg_stays_above_the_floor(evaluation):
    summary, table = evaluation
    weakest = "\n".join(table[:11])
    assert summary["ndcg@10"] >= NDCG_FLOOR, f"NDCG@10 {summary['ndcg@10']} < {NDCG_FLOOR}\n{weakest}"


@pytest.mark.django_db
def test_command_refuses_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="--k"):
        call_command("search_eval", "--k", "0", stdout=io.StringIO())
    bad = tmp_path / "judgments.yaml"
    bad.write_text("queries: []\n", encoding="utf-8")
    with pytest.raises(CommandError, match="non-empty"):
        call_command("search_eval", "--judgments", str(bad), stdout=io.StringIO())
