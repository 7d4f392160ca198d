"""Run the judged queries against the corpus and measure: `evaluate(...)` -> `Report`.

Everything happens inside `isolated_database()`: the corpus files are imported with the import
service (as the SYSTEM actor, the order the references need), the index is rebuilt, and each
judged query goes through the search API's own parameter serializer (`SearchParams`) to a
`SearchQuery`, then `search_run`. Hits (kind + database id) are mapped back to external ids.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.http import QueryDict

from backend.common.isolated_db import isolated_database

from .metrics import MAX_GRADE, mrr, ndcg_at_k, recall_at_k, reciprocal_rank

HERE = Path(__file__).resolve().parent
DEFAULT_JUDGMENTS = HERE / "judgments.yaml"
DEFAULT_CORPUS = HERE / "corpus"
# Import order: references (provider, program, employer) must exist before the rows naming them.
CORPUS_FILES = ("employers", "providers", "programs", "sessions", "postings")
FETCH = 50  # results read per query (the API's largest page): MRR looks this deep
# The search API's parameters a judged query may set besides q (see search/params.py SearchParams).
PARAM_NAMES = frozenset(
    {
        "kind", "division", "brand", "occupation", "skill", "delivery", "wage_floor", "free", "lodging",
        "meals", "social_insurance", "campaign", "start_from", "start_to", "near", "radius_km", "sort",
    }
)  # fmt: skip
ENTRY_KEYS = frozenset({"q", "relevant", "note"})


class EvaluationError(Exception):
    """A judgments file or corpus that cannot be evaluated (bad grade, unknown id, import error)."""


@dataclass(frozen=True)
class JudgedQuery:
    q: str
    params: dict[str, Any]
    relevance: dict[str, int]
    note: str = ""

    @property
    def label(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.q} [{extra}]" if extra else self.q


@dataclass
class QueryResult:
    query: JudgedQuery
    ranking: list[str]  # external ids, best first (up to FETCH)
    total: int
    ndcg: float
    recall: float
    reciprocal_rank: float


@dataclass
class Report:
    k: int
    results: list[QueryResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ndcg(self) -> float:
        return _mean(r.ndcg for r in self.results)

    @property
    def recall(self) -> float:
        return _mean(r.recall for r in self.results)

    @property
    def mrr(self) -> float:
        return mrr((r.ranking, r.query.relevance) for r in self.results)

    def summary(self) -> dict[str, Any]:
        return {
            f"ndcg@{self.k}": round(self.ndcg, 4),
            f"recall@{self.k}": round(self.recall, 4),
            "mrr": round(self.mrr, 4),
            "queries": len(self.results),
        }


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


# --- judgments ----------------------------------------------------------------------------------
def load_judgments(path: Path | str = DEFAULT_JUDGMENTS) -> list[JudgedQuery]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    entries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise EvaluationError(f"{path}: expected a mapping with a non-empty `queries` list")
    queries = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: query {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("q"), str):
            raise EvaluationError(f"{where}: each query needs a text `q`")
        unknown = set(entry) - PARAM_NAMES - ENTRY_KEYS
        if unknown:
            raise EvaluationError(f"{where} ({entry['q']}): unknown keys {sorted(unknown)}")
        params = {name: value for name, value in entry.items() if name in PARAM_NAMES}
        relevance = {str(doc): grade for doc, grade in (entry.get("relevant") or {}).items()}
        bad = {doc: g for doc, g in relevance.items() if not isinstance(g, int) or not 0 <= g <= MAX_GRADE}
        if bad:
            raise EvaluationError(f"{where} ({entry['q']}): grades must be integers 0-{MAX_GRADE}: {bad}")
        if not any(relevance.values()):
            raise EvaluationError(f"{where} ({entry['q']}): no document judged relevant")
        queries.append(JudgedQuery(entry["q"], params, relevance, str(entry.get("note") or "")))
    return queries


# --- corpus -------------------------------------------------------------------------------------
def import_corpus(corpus: Path | str = DEFAULT_CORPUS) -> dict[tuple[str, int], str]:
    """Import every corpus file (all rows or none); returns (kind, database id) -> external id."""
    from backend.imports.services import SYSTEM, import_file
    from backend.jobs.models import Posting
    from training.models import Program

    from ..query import Kind

    directory = Path(corpus)
    for kind in CORPUS_FILES:
        path = directory / f"{kind}.jsonl"
        result = import_file(path_or_file=path, kind=kind, actor=SYSTEM, filename=path.name)
        if not result.ok:
            errors = "; ".join(str(e.as_dict()) for e in result.errors[:5])
            raise EvaluationError(f"importing {path} failed: {errors}")
    ids: dict[tuple[str, int], str] = {}
    for model, kind in ((Posting, Kind.JOB), (Program, Kind.TRAINING)):
        for pk, external_id in model.objects.values_list("pk", "external_id"):
            ids[(str(kind), pk)] = external_id
    return ids


def check_judged_ids(queries: Sequence[JudgedQuery], known: set[str]) -> None:
    missing = {doc for query in queries for doc in query.relevance if doc not in known}
    if missing:
        raise EvaluationError(f"judged documents not in the corpus: {sorted(missing)}")


# --- running ------------------------------------------------------------------------------------
def query_params(query: JudgedQuery) -> QueryDict:
    """The judged query as the query string the API would receive."""
    data = QueryDict(mutable=True)
    data["q"] = query.q
    data["page_size"] = str(FETCH)
    data["facets"] = "false"  # facets do not change the ranking
    for name, value in query.params.items():
        values = value if isinstance(value, list | tuple) else [value]
        data.setlist(name, [_param(v) for v in values])
    return data


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_query(query: JudgedQuery, ids: Mapping[tuple[str, int], str]) -> tuple[list[str], int]:
    from ..params import SearchParams
    from ..services import search_run

    params = SearchParams(data=query_params(query))
    if not params.is_valid():
        raise EvaluationError(f"query {query.label!r}: invalid parameters {params.errors}")
    result = search_run(query=params.to_query())
    return [ids[(str(hit.kind), hit.id)] for hit in result.hits], result.total


def score(query: JudgedQuery, ranking: list[str], total: int, k: int) -> QueryResult:
    return QueryResult(
        query=query,
        ranking=ranking,
        total=total,
        ndcg=ndcg_at_k(ranking, query.relevance, k),
        recall=recall_at_k(ranking, query.relevance, k),
        reciprocal_rank=reciprocal_rank(ranking, query.relevance),
    )


def evaluate(
    *, judgments: Path | str = DEFAULT_JUDGMENTS, corpus: Path | str = DEFAULT_CORPUS, k: int = 10
) -> Report:
    """Import the corpus into a throwaway database, index it, run and score every judged query."""
    from ..services import index_rebuild

    started = time.perf_counter()
    queries = load_judgments(judgments)
    report = Report(k=k)
    with isolated_database():
        ids = import_corpus(corpus)
        check_judged_ids(queries, set(ids.values()))
        index_rebuild()
        for query in queries:
            ranking, total = run_query(query, ids)
            report.results.append(score(query, ranking, total, k))
    report.seconds = time.perf_counter() - started
    return report


def per_query_table(report: Report) -> str:
    """One line per query, weakest first: NDCG, recall, reciprocal rank, hits, the query."""
    k = report.k
    lines = [f"{'ndcg@' + str(k):>8} {'recall':>6} {'rr':>5} {'hits':>5}  query"]
    for r in sorted(report.results, key=lambda r: (r.ndcg, r.query.label)):
        lines.append(f"{r.ndcg:8.3f} {r.recall:6.2f} {r.reciprocal_rank:5.2f} {r.total:5d}  {r.query.label}")
    return "\n".join(lines)
