"""Learning the ranker from staff decisions and outcomes: `ranker_train` (used by `manage.py
train_ranker` and the periodic task `matching.train_ranker`).

Examples are the suggestions staff decided on or that reached an outcome, each with the feature
row it was scored on (`Suggestion.features`, logged when it was stored). Its label is the pair's
*final* state: the outcome when there is one (hired, certified, … or rejected by the employer),
otherwise the staff decision. A referral the employer turned down is a weak negative even though
staff approved it: the last word on the pair is what the ranker should learn.

A candidate is fitted on the older examples and evaluated, with the active ranker, on the newer
ones (`matching.core.training.compare`: NDCG@10, recall@10, MRR per worker and kind). It is
stored as a new `ModelVersion` with its metrics either way, and activated only when it beats the
active ranker by more than `min_gain` on NDCG@10 with enough held-out workers to tell. The model
activated is the one that was evaluated (fitted on the older part), so the figures stored are the
figures of the model that runs.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from django.db.models import Q

from matching.core.features import FEATURE_NAMES
from matching.core.training import Comparison, Example, compare

from . import engine
from .models import ModelVersion, Suggestion
from .services.jsonable import jsonable
from .services.versions import model_version_register

log = logging.getLogger(__name__)

MIN_EXAMPLES = 200  # fewer decisions than this say too little to replace a ranker
MIN_HOLDOUT_GROUPS = 10  # held-out (worker, kind) rankings with a relevant item needed to compare
HOLDOUT_FRACTION = 0.2

# Suggestion outcome -> training outcome (matching.core.training.OUTCOMES).
FINAL_OUTCOME = {
    Suggestion.Outcome.APPLIED: "applied",
    Suggestion.Outcome.REFERRED: "approved",
    Suggestion.Outcome.INTERVIEW: "interview",
    Suggestion.Outcome.HIRED: "hired",
    Suggestion.Outcome.REJECTED_BY_EMPLOYER: "withdrawn",  # weak negative (weight 0.5)
    Suggestion.Outcome.ENROLLED: "enrolled",
    Suggestion.Outcome.COMPLETED: "completed",
    Suggestion.Outcome.CERTIFIED: "certified",
    Suggestion.Outcome.WITHDRAWN: "withdrawn",
}
DECISION = {Suggestion.Status.APPROVED: "approved", Suggestion.Status.REJECTED: "rejected"}


def final_label(status: str, outcome: str) -> str | None:
    """The training outcome of a suggestion: its outcome if any, else the staff decision."""
    if outcome and outcome != Suggestion.Outcome.NONE:
        return FINAL_OUTCOME.get(Suggestion.Outcome(outcome))
    return DECISION.get(status)  # type: ignore[call-overload]


@dataclass
class LabelledSet:
    examples: list[Example] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def describe(self) -> dict[str, Any]:
        outcomes = Counter(e.outcome for e in self.examples)
        return {
            "examples": len(self.examples),
            "positives": sum(1 for e in self.examples if e.label),
            "workers": len({e.group[0] for e in self.examples}),  # type: ignore[index]
            "outcomes": dict(sorted(outcomes.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "first": min((e.when for e in self.examples), default=None),
            "last": max((e.when for e in self.examples), default=None),
        }


def labelled_examples() -> LabelledSet:
    """Every decided or outcome-bearing suggestion with a usable feature row, oldest first."""
    rows = (
        Suggestion.objects.filter(
            Q(status__in=list(DECISION)) | ~Q(outcome=Suggestion.Outcome.NONE)
        )
        .order_by("created_at", "id")
        .values_list(
            "worker_id", "kind", "posting_id", "session_id", "status", "outcome", "features",
            "created_at", "reviewed_at", "outcome_at",
        )
        .iterator(chunk_size=2000)
    )  # fmt: skip
    out = LabelledSet()
    width = len(FEATURE_NAMES)
    for (
        worker_id,
        kind,
        posting_id,
        session_id,
        status,
        outcome,
        features,
        created,
        reviewed,
        outcome_at,
    ) in rows:
        label = final_label(status, outcome)
        if label is None:
            out.skipped["no_decision"] += 1
            continue
        if not isinstance(features, list) or len(features) != width:
            out.skipped["no_features"] += 1  # stored before features were logged, or another model
            continue
        when = (outcome_at if outcome != Suggestion.Outcome.NONE else None) or reviewed or created
        out.examples.append(
            Example(
                group=(worker_id, kind),
                features=np.asarray(features, dtype=np.float64),
                outcome=label,
                when=when,
                kind=kind,
                item_id=posting_id or session_id,
            )
        )
    return out


@dataclass
class TrainingReport:
    """What `ranker_train` did, printed by the command as JSON."""

    status: Literal["activated", "kept", "insufficient_data", "unchanged"]
    message: str
    active: str  # the active version after the call
    candidate: str | None = None
    candidate_metrics: dict[str, float] = field(default_factory=dict)
    active_metrics: dict[str, float] = field(default_factory=dict)
    train_size: int = 0
    holdout_size: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return jsonable(asdict(self))


def ranker_train(
    *,
    model: Literal["hgb", "logistic"] = "hgb",
    holdout_fraction: float = HOLDOUT_FRACTION,
    min_examples: int = MIN_EXAMPLES,
    min_holdout_groups: int = MIN_HOLDOUT_GROUPS,
    min_gain: float = 0.0,
    activate: bool = True,
) -> TrainingReport:
    """Fit a candidate, compare it with the active ranker on the newest decisions, store it, and
    activate it only if it is better (and `activate`)."""
    active_version, active_ranker = engine.active_model()
    labelled = labelled_examples()
    data = labelled.describe()
    compared = _compare(
        labelled.examples, active_ranker, model, holdout_fraction, min_examples, min_holdout_groups, min_gain
    )
    if isinstance(compared, str):
        log.info("train_ranker: %s", compared)
        return TrainingReport("insufficient_data", compared, active=active_version.name, data=data)
    comparison = compared
    candidate = comparison.candidate
    report = TrainingReport(
        "kept",
        "",
        active=active_version.name,
        candidate=candidate.version,
        candidate_metrics=comparison.candidate_metrics,
        active_metrics=comparison.active_metrics,
        train_size=comparison.train_size,
        holdout_size=comparison.holdout_size,
        data=data,
    )
    if ModelVersion.objects.filter(name=candidate.version).exists():
        report.status = "unchanged"
        report.message = f"{candidate.version} is already stored (the same model from the same decisions)"
        return report
    version = _store(comparison, active_version, model, holdout_fraction, data, activate=activate)
    _conclude(report, comparison, version, active_version, activate=activate, min_gain=min_gain)
    log.info("train_ranker: %s", report.message)
    return report


def _compare(
    examples: list[Example],
    active_ranker: Any,
    model: Literal["hgb", "logistic"],
    holdout_fraction: float,
    min_examples: int,
    min_holdout_groups: int,
    min_gain: float,
) -> Comparison | str:
    """The candidate fitted on the older examples and compared on the newer ones, or why there is
    too little data to tell."""
    if len(examples) < min_examples:
        return f"{len(examples)} labelled suggestions; at least {min_examples} are needed"
    if len({e.label for e in examples}) < 2:
        return "the decisions are all positive or all negative"
    try:
        comparison = compare(
            examples,
            active_ranker,
            holdout_fraction=holdout_fraction,
            model=model,
            min_gain=min_gain,
        )
    except ValueError as exc:  # e.g. the older part holds one class only
        return f"cannot fit on the older decisions: {exc}"
    groups = int(comparison.candidate_metrics.get("groups", 0))
    if groups < min_holdout_groups:
        return f"{groups} held-out worker rankings with a relevant item; at least {min_holdout_groups} are needed"
    return comparison


def _store(
    comparison: Comparison,
    active_version: ModelVersion,
    model: str,
    holdout_fraction: float,
    data: dict[str, Any],
    *,
    activate: bool,
) -> ModelVersion:
    """Save the candidate's artefact and register it (active when better and `activate`)."""
    candidate = comparison.candidate
    path = engine.artefact_dir() / "rankers" / f"{candidate.version}.joblib"
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate.save(path)
    metrics = {
        **comparison.candidate_metrics,
        "compared_to": active_version.name,
        "compared_metrics": comparison.active_metrics,
        "split": _split_description(comparison.train_size, comparison.holdout_size, holdout_fraction),
        "model": model,
    }
    return model_version_register(
        name=candidate.version,
        kind=ModelVersion.Kind.LEARNED,
        artefact_path=str(path),
        metrics=metrics,
        trained_on={**data, "train_size": comparison.train_size, "holdout_size": comparison.holdout_size},
        activate=comparison.better and activate,
    )


def _conclude(
    report: TrainingReport,
    comparison: Comparison,
    version: ModelVersion,
    active_version: ModelVersion,
    *,
    activate: bool,
    min_gain: float,
) -> None:
    metric = comparison.metric
    cand, act = comparison.candidate_metrics[metric], comparison.active_metrics[metric]
    if comparison.better and activate:
        report.status, report.active = "activated", version.name
        report.message = (
            f"{version.name} activated: {metric} {cand:.4f} against {act:.4f} for {active_version.name}"
        )
    elif comparison.better:
        report.message = (
            f"{version.name} is better ({metric} {cand:.4f} against {act:.4f}) but was not activated"
        )
    else:
        report.message = (
            f"{version.name} stored, not activated: {metric} {cand:.4f} against {act:.4f} "
            f"for {active_version.name} (needs more than +{min_gain})"
        )


def _split_description(train: int, holdout: int, fraction: float) -> str:
    return f"time-based: oldest {train} decisions to train, newest {holdout} (≈{fraction:.0%}) held out"
