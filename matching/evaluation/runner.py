"""`evaluate_matching PATH`: judge a ranker on a labelled set, in a throwaway database.

The set is one JSON object (the contract, docs in the command's help):

    {"programs": [...], "sessions": [...], "employers": [...], "postings": [...], "workers": [...],
     "judgments": [{"worker": "<external id>", "item": "<external id>", "relevance": 0-3}]}

Records use the import format's field names (docs/import-format.md), external ids included;
"providers" may be given too — a program naming a provider that is not there gets one made from
its id (the contract lists no providers, and who runs a course does not change matching).

Everything is loaded with the import service (all-or-nothing per section, the same validation as
an upload) into `isolated_database()`; the live data is never touched. The catalogue is built as
the engine builds it (published unexpired postings, open sessions), and every judged worker gets
the ranker's top FETCH items of each kind they have judgments for. An item may be judged by a
posting's or a session's external id, or by a program's (then its first-ranked session counts).

Metrics per judged (worker, kind): NDCG@10 against the ideal order of all that worker's judged
items of the kind (gain 2^rel − 1), recall@10 of the items judged relevant (≥ 1), reciprocal
rank of the first relevant item in the top FETCH. A worker's figure is the mean over their kinds;
the result is the mean over workers. Unjudged items count as not relevant.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from backend.common.isolated_db import isolated_database
from backend.common.ranking_metrics import ndcg_at_k, recall_at_k, reciprocal_rank

K = 10
FETCH = 50  # ranked items read per worker and kind: MRR looks this deep
MAX_RELEVANCE = 3
RECORD_SECTIONS = ("providers", "employers", "programs", "sessions", "postings", "workers")
REQUIRED = ("programs", "sessions", "employers", "postings", "workers", "judgments")


class EvaluationError(Exception):
    """A labelled set that cannot be evaluated: bad shape, unknown ids, rows the import refuses."""


@dataclass(frozen=True)
class Judgment:
    worker: str
    item: str
    relevance: int


@dataclass
class LabelledSet:
    sections: dict[str, list[dict[str, Any]]]
    judgments: list[Judgment]

    @property
    def judged_workers(self) -> list[str]:
        return sorted({j.worker for j in self.judgments})


@dataclass
class WorkerResult:
    worker: str
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    rankings: dict[str, list[str]] = field(default_factory=dict)

    def mean(self, metric: str) -> float:
        return float(np.mean([m[metric] for m in self.by_kind.values()])) if self.by_kind else 0.0


@dataclass
class Report:
    ranker: str
    workers: list[WorkerResult]
    unmatchable: list[str]  # judged relevant items that are not in the catalogue (closed, expired)

    def summary(self) -> dict[str, Any]:
        def mean(metric: str) -> float:
            return round(float(np.mean([w.mean(metric) for w in self.workers])), 4) if self.workers else 0.0

        return {"ndcg@10": mean("ndcg@10"), "recall@10": mean("recall@10"), "mrr": mean("mrr"),
                "workers": len(self.workers)}  # fmt: skip

    def by_kind(self) -> dict[str, dict[str, Any]]:
        """The same means over the workers judged on each kind, kind by kind."""
        out: dict[str, dict[str, Any]] = {}
        for kind in ("job", "training"):
            rows = [w.by_kind[kind] for w in self.workers if kind in w.by_kind]
            if rows:
                out[kind] = {
                    m: round(float(np.mean([r[m] for r in rows])), 4) for m in ("ndcg@10", "recall@10", "mrr")
                }
                out[kind]["workers"] = len(rows)
        return out


# --- reading the set ---------------------------------------------------------------------------
def load_set(path: Path | str) -> LabelledSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvaluationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"{path} is not a UTF-8 JSON file: {exc}") from exc
    return parse_set(data, source=str(path))


def parse_set(data: Any, *, source: str = "the set") -> LabelledSet:
    if not isinstance(data, dict):
        raise EvaluationError(f"{source}: expected a JSON object with {', '.join(REQUIRED)}")
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise EvaluationError(f"{source}: missing {', '.join(missing)}")
    sections: dict[str, list[dict[str, Any]]] = {}
    for name in RECORD_SECTIONS:
        records = data.get(name, [])
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise EvaluationError(f"{source}: {name} must be a list of objects")
        sections[name] = records
    judgments = data["judgments"]
    if not isinstance(judgments, list) or not judgments:
        raise EvaluationError(f"{source}: judgments must be a non-empty list")
    parsed: list[Judgment] = []
    seen: set[tuple[str, str]] = set()
    for number, entry in enumerate(judgments, start=1):
        where = f"{source}: judgment {number}"
        if not isinstance(entry, dict) or set(entry) - {"worker", "item", "relevance", "note"}:
            raise EvaluationError(f"{where}: expected {{worker, item, relevance}}")
        worker, item, relevance = entry.get("worker"), entry.get("item"), entry.get("relevance")
        if not isinstance(worker, str) or not worker or not isinstance(item, str) or not item:
            raise EvaluationError(f"{where}: worker and item must be external ids (text)")
        if (
            isinstance(relevance, bool)
            or not isinstance(relevance, int)
            or not 0 <= relevance <= MAX_RELEVANCE
        ):
            raise EvaluationError(f"{where}: relevance must be an integer 0-{MAX_RELEVANCE}")
        if (worker, item) in seen:
            raise EvaluationError(f"{where}: {worker} / {item} is judged twice")
        seen.add((worker, item))
        parsed.append(Judgment(worker, item, relevance))
    return LabelledSet(sections, parsed)


def _with_providers(sections: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The given providers plus one per provider id a program names that is not given."""
    providers = list(sections["providers"])
    known = {str(p.get("external_id")) for p in providers}
    for program in sections["programs"]:
        ref = program.get("provider")
        if ref in (None, "") or str(ref) in known:
            continue
        known.add(str(ref))
        providers.append(
            {"external_id": str(ref), "name": str(ref), "kind": "training_institution",
             "county": program.get("venue_division"), "verified": True}
        )  # fmt: skip
    return providers


# --- loading and ranking -----------------------------------------------------------------------
def import_sections(labelled: LabelledSet) -> None:
    from backend.imports.services import SYSTEM, import_file

    sections = {**labelled.sections, "providers": _with_providers(labelled.sections)}
    with tempfile.TemporaryDirectory(prefix="evaluate-matching-") as tmp:
        for kind in RECORD_SECTIONS:
            records = sections[kind]
            if not records:
                continue
            path = Path(tmp) / f"{kind}.jsonl"
            path.write_text(
                "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records),
                encoding="utf-8",
            )
            result = import_file(path_or_file=path, kind=kind, actor=SYSTEM, filename=path.name)
            if not result.ok:
                shown = "; ".join(
                    f"{kind} record {e.row}: {e.column} {e.message}" if e.row else f"{kind}: {e.message}"
                    for e in result.errors[:10]
                )
                more = f" (and {len(result.errors) - 10} more)" if len(result.errors) > 10 else ""
                raise EvaluationError(f"the {kind} section does not import: {shown}{more}")


def _external_ids() -> dict[str, Any]:
    from backend.jobs.models import Posting
    from backend.workers.models import WorkerProfile
    from training.models import Session

    return {
        "workers": dict(WorkerProfile.objects.values_list("external_id", "pk")),
        "postings": dict(Posting.objects.values_list("pk", "external_id")),
        "sessions": {pk: (ext, prog) for pk, ext, prog in Session.objects.values_list(
            "pk", "external_id", "program__external_id")},
        "programs": set(Session.objects.values_list("program__external_id", flat=True)),
    }  # fmt: skip


def rank(labelled: LabelledSet, ranker: Any, *, today: dt.date, ranker_name: str = "") -> Report:
    """Rank for every judged worker in the current (isolated) database."""
    from matching import adapters
    from matching.core import Catalogue, recommend_batch

    ids = _external_ids()
    postings: dict[int, str] = ids["postings"]
    sessions: dict[int, tuple[str, str]] = ids["sessions"]
    item_kind = dict.fromkeys(postings.values(), "job")
    item_kind.update({ext: "training" for ext, _ in sessions.values()})
    item_kind.update({ext: "training" for ext in ids["programs"] if ext not in item_kind})

    judged: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    unknown_workers = sorted({j.worker for j in labelled.judgments} - set(ids["workers"]))
    unknown_items = sorted({j.item for j in labelled.judgments} - set(item_kind))
    if unknown_workers or unknown_items:
        raise EvaluationError(
            "judgments name records that are not in the set: "
            + ", ".join(
                [*(f"worker {w}" for w in unknown_workers[:10]), *(f"item {i}" for i in unknown_items[:10])]
            )
        )
    for j in labelled.judgments:
        judged[j.worker][item_kind[j.item]][j.item] = j.relevance

    catalogue = Catalogue.build(
        adapters.catalogue_items(today), adapters.taxonomy_data(), version="evaluation"
    )
    in_catalogue = {postings[int(i)] for i in catalogue.ids[slice(*catalogue.kind_range("job"))]}
    for i in catalogue.ids[slice(*catalogue.kind_range("training"))]:
        ext, program = sessions[int(i)]
        in_catalogue.update((ext, program))
    unmatchable = sorted({j.item for j in labelled.judgments if j.relevance > 0} - in_catalogue)

    results = {w: WorkerResult(w) for w in labelled.judged_workers}
    for kind in ("job", "training"):
        # A (worker, kind) with nothing judged relevant has no ideal ranking to compare with.
        names = [w for w in labelled.judged_workers if any(judged[w].get(kind, {}).values())]
        if not names:
            continue
        workers = adapters.workers_data([ids["workers"][w] for w in names])
        ranked = recommend_batch(
            workers, catalogue, ranker, kind=kind, k=FETCH, explanations=False, with_pathways=False
        )
        for name, recs in zip(names, ranked, strict=True):
            grades = judged[name][kind]
            ranking = _external_ranking(kind, [r.item_id for r in recs], postings, sessions, grades)
            results[name].rankings[kind] = ranking
            results[name].by_kind[kind] = score(ranking, grades)
    scored = [r for r in results.values() if r.by_kind]
    return Report(ranker=ranker_name, workers=scored, unmatchable=unmatchable)


def _external_ranking(
    kind: str, item_ids: Sequence[int], postings: Mapping[int, str],
    sessions: Mapping[int, tuple[str, str]], grades: Mapping[str, int],
) -> list[str]:  # fmt: skip
    """Database ids → the external ids they are judged by (a session by its program's when only the
    program is judged), each counted once, best first."""
    out: list[str] = []
    seen: set[str] = set()
    for item_id in item_ids:
        if kind == "job":
            ext = postings[item_id]
        else:
            session_ext, program_ext = sessions[item_id]
            ext = program_ext if session_ext not in grades and program_ext in grades else session_ext
        if ext not in seen:
            seen.add(ext)
            out.append(ext)
    return out


def score(ranking: Sequence[str], grades: Mapping[str, int], k: int = K) -> dict[str, float]:
    ranked = [grades.get(ext, 0) for ext in ranking]
    judged = list(grades.values())
    return {
        f"ndcg@{k}": ndcg_at_k(ranked, k, judged=judged),
        f"recall@{k}": recall_at_k(ranked, k, judged=judged),
        "mrr": reciprocal_rank(ranked),
    }


def evaluate(path: Path | str, ranker: Any, *, today: dt.date | None = None, ranker_name: str = "") -> Report:
    """Load the set into a throwaway database and rank for every judged worker."""
    from django.utils import timezone

    labelled = load_set(path)
    with isolated_database():
        import_sections(labelled)
        return rank(labelled, ranker, today=today or timezone.localdate(), ranker_name=ranker_name)
