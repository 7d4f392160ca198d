"""train_ranker: labels from final states, a time-based comparison, activation only if better."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from matching import engine, learning
from matching.core.features import FEATURE_NAMES, IDX
from matching.core.rankers import BASELINE_VERSION, BaselineRanker, LearnedRanker
from matching.models import ModelVersion, Suggestion
from matching.tasks import train_ranker
from tests import factories as f

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _artefacts(settings, tmp_path):
    settings.MATCHING_ARTEFACT_DIR = tmp_path
    engine.reset()
    yield
    engine.reset()


def _decided(rule, *, workers=30, postings=10, seed=0) -> list[Suggestion]:
    """workers × postings suggestions with random feature rows, decided by `rule(features)`
    (True → approved, False → rejected) one day apart per worker: later workers, later decisions."""
    rng = np.random.default_rng(seed)
    baseline = ModelVersion.objects.get_or_create(name=BASELINE_VERSION, defaults={"kind": "baseline"})[0]
    items = [f.PostingFactory() for _ in range(postings)]
    rows = []
    for w in range(workers):
        worker = f.WorkerProfileFactory()
        when = START + dt.timedelta(days=w)
        for posting in items:
            x = rng.random(len(FEATURE_NAMES)).round(4)
            approved = bool(rule(x))
            rows.append(
                Suggestion(
                    worker=worker, kind="job", posting=posting, score=0.0, rank=1, model_version=baseline,
                    features=x.tolist(), status="approved" if approved else "rejected",
                    reason_code="" if approved else "skills_mismatch", reviewed_at=when,
                )
            )  # fmt: skip
    return Suggestion.objects.bulk_create(rows)


def _wage_and_lodging(x: np.ndarray) -> bool:
    """Staff who care about wage and lodging only — not what the baseline weighs most."""
    return x[IDX["wage_fit"]] + x[IDX["lodging_fit"]] > 1.1


def test_final_label_prefers_the_outcome_over_the_decision():
    assert learning.final_label("approved", "none") == "approved"
    assert learning.final_label("rejected", "none") == "rejected"
    assert learning.final_label("approved", "hired") == "hired"
    assert learning.final_label("approved", "certified") == "certified"
    # Approved, but the employer said no: the last word on the pair is a (weak) negative.
    assert learning.final_label("approved", "rejected_by_employer") == "withdrawn"
    assert learning.final_label("pending", "none") is None
    assert learning.final_label("withdrawn", "applied") == "applied"  # the worker applied anyway


def test_examples_need_a_logged_feature_row_and_are_timed_by_the_decision():
    made = _decided(_wage_and_lodging, workers=3, postings=2)
    Suggestion.objects.filter(pk=made[0].pk).update(features=[])  # stored before features were logged
    hired_at = START + dt.timedelta(days=40)
    Suggestion.objects.filter(pk=made[1].pk).update(status="approved", outcome="hired", outcome_at=hired_at)
    labelled = learning.labelled_examples()
    assert labelled.skipped == {"no_features": 1}
    assert len(labelled.examples) == 5
    hired = [e for e in labelled.examples if e.outcome == "hired"]
    assert len(hired) == 1
    assert hired[0].when == hired_at
    assert hired[0].weight == 3.0
    assert all(len(e.features) == len(FEATURE_NAMES) for e in labelled.examples)


def test_too_few_decisions_change_nothing():
    _decided(_wage_and_lodging, workers=3, postings=5)
    report = learning.ranker_train()
    assert report.status == "insufficient_data"
    assert "15 labelled suggestions" in report.message
    assert ModelVersion.objects.filter(kind="learned").count() == 0
    assert engine.active_model()[0].name == BASELINE_VERSION


def test_a_better_candidate_is_stored_with_its_metrics_and_activated():
    _decided(_wage_and_lodging)
    report = learning.ranker_train(min_examples=100, min_holdout_groups=4)
    assert report.status == "activated", report.message
    assert report.candidate_metrics["ndcg@10"] > report.active_metrics["ndcg@10"]
    version = ModelVersion.objects.get(is_active=True)
    assert version.kind == "learned"
    assert version.name == report.candidate == report.active
    assert version.metrics["compared_to"] == BASELINE_VERSION
    assert version.metrics["ndcg@10"] == pytest.approx(report.candidate_metrics["ndcg@10"])
    assert {"recall@10", "mrr", "split"} <= set(version.metrics)
    assert version.trained_on["examples"] == 300
    assert version.trained_on["holdout_size"] > 0
    # The held-out decisions are the newest ones: nothing trained on is newer.
    assert report.train_size + report.holdout_size == 300
    # The engine now serves the stored artefact, and suggestions would record this version.
    engine.reset(model_only=True)
    active, ranker = engine.active_model()
    assert active.pk == version.pk
    assert isinstance(ranker, LearnedRanker)

    # Trained again on the same decisions: the same model, nothing new stored.
    again = learning.ranker_train(min_examples=100, min_holdout_groups=4)
    assert again.status == "unchanged"
    assert ModelVersion.objects.filter(kind="learned").count() == 1


def test_a_candidate_that_is_not_better_is_stored_but_not_activated():
    # Staff who decide exactly as the baseline ranks: no candidate can rank the newest decisions better.
    baseline = BaselineRanker()
    _decided(lambda x: baseline.score(x[None, :])[0] > baseline.score(np.full((1, len(x)), 0.5))[0])
    report = learning.ranker_train(min_examples=100, min_holdout_groups=4)
    assert report.status == "kept", report.message
    assert report.candidate_metrics["ndcg@10"] <= report.active_metrics["ndcg@10"]
    stored = ModelVersion.objects.get(kind="learned")
    assert not stored.is_active
    assert stored.metrics["compared_to"] == BASELINE_VERSION
    assert ModelVersion.objects.get(is_active=True).name == BASELINE_VERSION


def test_no_activate_only_stores_and_evaluates():
    _decided(_wage_and_lodging)
    report = learning.ranker_train(min_examples=100, min_holdout_groups=4, activate=False)
    assert report.status == "kept"
    assert "not activated" in report.message
    assert ModelVersion.objects.get(is_active=True).name == BASELINE_VERSION


def test_the_command_prints_one_json_report():
    _decided(_wage_and_lodging)
    out = StringIO()
    call_command("train_ranker", "--model", "logistic", "--min-examples", "100", "--min-holdout-groups", "4",
                 stdout=out)  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["status"] == "activated"
    assert report["candidate"].startswith("logistic-")
    assert set(report["candidate_metrics"]) >= {"ndcg@10", "recall@10", "mrr"}


def test_the_periodic_task_runs_the_same_service():
    result = train_ranker.delay().get()
    assert result["status"] == "insufficient_data"
    assert result["active"] == BASELINE_VERSION


def test_suggestions_decided_before_now_still_count():
    # reviewed_at may be missing on old rows: the creation time stands in.
    made = _decided(_wage_and_lodging, workers=2, postings=2)
    Suggestion.objects.filter(pk=made[0].pk).update(reviewed_at=None)
    created = Suggestion.objects.get(pk=made[0].pk).created_at
    example = next(e for e in learning.labelled_examples().examples if e.when == created)
    assert example.when <= timezone.now()
