"""The learned ranker against the baseline on the shipped labelled set, end to end. On demand only
(pytest collects test_*.py, not bench_*.py); prints figures, never asserts on them.

    .venv/bin/python tests/benchmarks/bench_matching_learning.py [--scale 1] [--noise 0.1] [--model hgb]

1. In a throwaway database (isolated_database; the developer's data is never touched): the demo
   data set (`seed_demo`, fixed seed), one batch matching run over every county (the suggestions
   log their feature rows), then a *simulated* county counsellor decides every suggestion by the
   explicit rules in `counsellor_decides` below — what a counsellor checks on the worker's
   profile and the item (desired occupation, required licence, commute or willingness to move,
   wage against the floor, lodging; for trainings: the occupation wanted, the licence missing,
   马兰花 for a would-be founder) — with `--noise` of the decisions flipped at random, and the
   decisions spread over twelve weeks. The demo has no real staff decisions; these stand in for
   them, and say nothing about how real counsellors decide.
2. `ranker_train` (the service behind `manage.py train_ranker`): fit on the older decisions,
   compare with the baseline on the newest, store the candidate.
3. `evaluate_matching` on matching/evaluation/eval_set.json for the baseline and the candidate.
Figures to stdout and var/bench/matching-learning.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
os.environ.setdefault("SEARCH_BACKEND", "fts5")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from backend.common.isolated_db import isolated_database  # noqa: E402
from backend.demo.generator import DemoSizes  # noqa: E402
from backend.demo.services import demo_seed  # noqa: E402
from matching import engine, learning  # noqa: E402
from matching.core.rankers import BaselineRanker, LearnedRanker  # noqa: E402
from matching.evaluation.runner import evaluate  # noqa: E402
from matching.models import Suggestion  # noqa: E402
from matching.services import runs  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
EVAL_SET = ROOT / "matching" / "evaluation" / "eval_set.json"
WEEKS = 12
MALANHUA = "malanhua"


def km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    if a is None or b is None or None in a or None in b:
        return math.inf
    (lat1, lng1), (lat2, lng2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def counsellor_decides(worker: dict[str, Any], item: dict[str, Any]) -> tuple[bool, str]:
    """(approve?, reason code) as a county counsellor would decide, from plain facts."""
    distance = km(worker["place"], item["place"])
    reach = max(worker["max_commute_km"] or 30, 30)
    if item["kind"] == "job":
        if item["occupation"] not in worker["desired"] and len(item["skills"] & worker["skills"]) < max(
            1, len(item["skills"]) // 2
        ):
            return False, "skills_mismatch"
        if item["certificate"] and item["certificate"] not in worker["certificates"]:
            return False, "skills_mismatch"
        if distance > reach and not worker["willing_to_relocate"]:
            return False, "too_far"
        if worker["wage_floor"] and item["wage"] and item["wage"] < 0.9 * worker["wage_floor"]:
            return False, "wage_too_low"
        if worker["needs_lodging"] and not item["lodging"] and distance > reach:
            return False, "posting_unsuitable"
        return True, ""
    wanted = item["occupation"] in worker["desired"] or (item["brand"] == MALANHUA and worker["business"])
    if not wanted and not (item["certificate"] and item["occupation"] in worker["desired"]):
        return False, "worker_not_interested"
    if distance > reach * 2 and not item["online"]:
        return False, "too_far"
    return True, ""


def facts() -> tuple[dict[int, dict[str, Any]], dict[tuple[str, int], dict[str, Any]]]:
    from backend.jobs.models import Posting
    from backend.workers.models import WorkerCertificate, WorkerProfile, WorkerSkill
    from training.models import Session

    workers: dict[int, dict[str, Any]] = {}
    for w in WorkerProfile.objects.values(
        "pk", "current_division__latitude", "current_division__longitude", "max_commute_km",
        "willing_to_relocate", "wage_floor", "needs_lodging", "wants_to_start_business",
    ):  # fmt: skip
        workers[w["pk"]] = {
            "place": (w["current_division__latitude"], w["current_division__longitude"]),
            "max_commute_km": w["max_commute_km"], "willing_to_relocate": w["willing_to_relocate"],
            "wage_floor": w["wage_floor"], "needs_lodging": w["needs_lodging"],
            "business": w["wants_to_start_business"], "desired": set(), "skills": set(), "certificates": set(),
        }  # fmt: skip
    for wid, occ in WorkerProfile.desired_occupations.through.objects.values_list(
        "workerprofile_id", "occupation_id"
    ):
        workers[wid]["desired"].add(occ)
    for wid, skill in WorkerSkill.objects.values_list("worker_id", "skill_id"):
        workers[wid]["skills"].add(skill)
    for wid, cert in WorkerCertificate.objects.values_list("worker_id", "certificate_type_id"):
        workers[wid]["certificates"].add(cert)
    items: dict[tuple[str, int], dict[str, Any]] = {}
    for p in Posting.objects.values(
        "pk", "occupation_id", "required_certificate_id", "wage_min", "provides_lodging", "latitude", "longitude",
        "division__latitude", "division__longitude",
    ):  # fmt: skip
        items[("job", p["pk"])] = {
            "kind": "job", "occupation": p["occupation_id"], "certificate": p["required_certificate_id"],
            "wage": p["wage_min"], "lodging": p["provides_lodging"], "skills": set(),
            "place": (p["latitude"] or p["division__latitude"], p["longitude"] or p["division__longitude"]),
        }  # fmt: skip
    for pid, skill in Posting.required_skills.through.objects.values_list("posting_id", "skill_id"):
        items[("job", pid)]["skills"].add(skill)
    for s in Session.objects.values(
        "pk", "program__occupation_id", "program__certificate_type_id", "program__brand", "program__delivery",
        "program__venue_division__latitude", "program__venue_division__longitude",
    ):  # fmt: skip
        items[("training", s["pk"])] = {
            "kind": "training", "occupation": s["program__occupation_id"],
            "certificate": s["program__certificate_type_id"], "brand": s["program__brand"],
            "online": s["program__delivery"] != "offline",
            "place": (s["program__venue_division__latitude"], s["program__venue_division__longitude"]),
        }  # fmt: skip
    return workers, items


def simulate_reviews(noise: float, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    workers, items = facts()
    start = timezone.now() - dt.timedelta(weeks=WEEKS)
    day_of = {}  # each worker is seen on one day (counsellors go through the queue worker by worker)
    rows = list(Suggestion.objects.filter(status="pending").values_list("pk", "worker_id", "kind", "posting_id",
                                                                        "session_id"))  # fmt: skip
    counts = {"approved": 0, "rejected": 0, "flipped": 0}
    updates = []
    for pk, wid, kind, posting_id, session_id in rows:
        approve, reason = counsellor_decides(workers[wid], items[(kind, posting_id or session_id)])
        if rng.random() < noise:
            approve, reason = (not approve), ("" if not approve else "other")
            counts["flipped"] += 1
        day = day_of.setdefault(wid, rng.randrange(WEEKS * 7))
        when = start + dt.timedelta(days=day, minutes=rng.randrange(8 * 60))
        counts["approved" if approve else "rejected"] += 1
        updates.append(Suggestion(pk=pk, status="approved" if approve else "rejected", reason_code=reason,
                                  reviewed_at=when))  # fmt: skip
    with transaction.atomic():
        Suggestion.objects.bulk_update(updates, ["status", "reason_code", "reviewed_at"], batch_size=2000)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="demo size (1 = 2,500 workers)")
    parser.add_argument("--noise", type=float, default=0.1, help="share of decisions flipped")
    parser.add_argument("--model", choices=("hgb", "logistic"), default="hgb")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    artefacts = BENCH_DIR / "matching-learning"
    figures: dict[str, Any] = {"args": vars(args)}
    with (
        override_settings(MATCHING_ARTEFACT_DIR=artefacts, MATCHING_VERSION_CHECK_SECONDS=0),
        isolated_database(),
    ):
        engine.reset()
        t = time.perf_counter()
        demo_seed(seed=args.seed, sizes=DemoSizes.for_scale(args.scale))
        figures["seed_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        run = runs.matching_run_create(kind="both", county_codes=None)
        run = runs.matching_run_execute(run_id=run.pk)
        if run is None or run.status != "succeeded":
            raise SystemExit(f"batch run failed: {run and run.error}")
        figures["batch"] = {"workers": run.processed_workers, "suggestions": run.suggestions_created,
                            "seconds": round(time.perf_counter() - t, 1)}  # fmt: skip
        figures["reviews"] = simulate_reviews(args.noise, args.seed)
        t = time.perf_counter()
        report = learning.ranker_train(model=args.model, activate=False)
        figures["train"] = {**report.as_dict(), "seconds": round(time.perf_counter() - t, 1)}
        engine.reset()
    print(json.dumps({k: v for k, v in figures.items() if k != "train"}, ensure_ascii=False))
    train = figures["train"]
    print(f"train_ranker: {train['status']}: {train['message']}")
    print(f"  held-out ({train['holdout_size']} decisions): candidate {train['candidate_metrics']}")
    print(f"  held-out: baseline {train['active_metrics']}")
    if not train.get("candidate"):
        return
    learned = LearnedRanker.load(artefacts / "rankers" / f"{train['candidate']}.joblib")
    for name, ranker in (("baseline", BaselineRanker()), ("learned", learned)):
        t = time.perf_counter()
        summary = evaluate(EVAL_SET, ranker, ranker_name=name).summary()
        figures[f"eval_{name}"] = {**summary, "seconds": round(time.perf_counter() - t, 1)}
        print(f"evaluate_matching {EVAL_SET.name} with {name} ({getattr(ranker, 'version', '')}): {summary}")
    (BENCH_DIR / "matching-learning.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2, default=str)
    )


if __name__ == "__main__":
    main()
