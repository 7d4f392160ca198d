"""Build the counsellor-judged set: catalogue.yaml + workers.yaml -> matching/evaluation/counsellor_set.json.

    python -m matching.evaluation.counsellor.build           # check the measure, write the JSON
    python -m matching.evaluation.counsellor.build --check   # fail if the JSON is stale or the measure fails

The YAML files are written by hand (see RULES.md). This module only expands the per-kind defaults,
lists each program's sessions as session records, turns every worker's `jobs` / `trainings` grades
into judgments, and measures the measure: a ranker obeying RULES.md must be able to score ~1.0.
No ranker and nothing of the matching engine is used here.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
OUTPUT = HERE.parent / "counsellor_set.json"
TODAY = dt.date(2028, 3, 1)
K = 10
NEAR_KM = 60.0  # "own county and the neighbouring ones" for a worker who will not move
NO = {"否", "N", "n", "0", "false", "False", False}
YES = {"是", "Y", "y", "1", "true", "True", True}
OPEN_SESSION = {"报名中", "open"}
PUBLISHED_POSTING = {"招聘中", "published"}
PUBLISHED_PROGRAM = {"已发布", "published"}
LEVELS = {"五级": 5, "四级": 4, "三级": 3, "二级": 2, "一级": 1}


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def build() -> dict[str, Any]:
    """The set as the runner reads it (stable order: as written in the YAML files)."""
    cat, people = _load("catalogue.yaml"), _load("workers.yaml")
    postings = [{**cat["posting_defaults"], **p} for p in cat["postings"]]
    programs, sessions = [], []
    for raw in cat["programs"]:
        program = {**cat["program_defaults"], **{k: v for k, v in raw.items() if k != "sessions"}}
        programs.append(program)
        for s in raw["sessions"]:
            sessions.append({**cat["session_defaults"], **s, "program": program["external_id"]})
    workers, judgments = [], []
    for raw in people["workers"]:
        worker = {
            **people["worker_defaults"],
            **{k: v for k, v in raw.items() if k not in ("jobs", "trainings")},
        }
        workers.append(worker)
        for kind in ("jobs", "trainings"):
            for item, grade in (raw.get(kind) or {}).items():
                judgments.append({"worker": worker["external_id"], "item": item, "relevance": grade})
    return {
        "providers": cat["providers"],
        "employers": cat["employers"],
        "programs": programs,
        "sessions": sessions,
        "postings": postings,
        "workers": workers,
        "judgments": judgments,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"


# --- measuring the measure ---------------------------------------------------------------------
def county_centres() -> dict[str, tuple[float, float]]:
    """{code: (lat, lng)}: the seats of government the region loader uses (cpca's adcodes.csv)."""
    path = resources.files("cpca").joinpath("resources/adcodes.csv")
    with path.open(encoding="utf-8") as handle:
        return {
            r["adcode"][:6]: (float(r["latitude"]), float(r["longitude"]))
            for r in csv.DictReader(handle)
            if r.get("latitude") and r.get("longitude")
        }


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v for v in str(value).replace("、", ",").split(",") if v]


def measure(data: dict[str, Any], *, today: dt.date = TODAY) -> tuple[list[str], dict[str, Any]]:  # noqa: C901 (one rule per branch, read top to bottom)
    """(problems, figures). A problem is anything that keeps a rule-obeying ranker below ~1.0."""
    centres = county_centres()
    problems: list[str] = []
    employers = {e["external_id"]: e for e in data["employers"]}
    where: dict[str, str | None] = {}  # item -> county code (None: online)
    live: set[str] = set()
    kind_of: dict[str, str] = {}
    certificate: dict[str, tuple[str, int | None]] = {}
    malanhua: set[str] = set()
    for p in data["postings"]:
        kind_of[p["external_id"]] = "job"
        where[p["external_id"]] = str(p.get("division") or employers[p["employer"]]["county"])
        expires = _date(p.get("expires_on"))
        if p.get("status") in PUBLISHED_POSTING and (expires is None or expires >= today):
            live.add(p["external_id"])
    programs = {g["external_id"]: g for g in data["programs"]}
    for g in data["programs"]:
        kind_of[g["external_id"]] = "training"
        online = g.get("delivery") in ("线上", "online")
        where[g["external_id"]] = None if online else str(g["venue_division"])
        if g.get("certificate_type"):
            certificate[g["external_id"]] = (g["certificate_type"], LEVELS.get(g.get("certificate_level")))
        if g.get("brand") in ("malanhua", "马兰花创业培训"):
            malanhua.add(g["external_id"])
    for s in data["sessions"]:
        kind_of[s["external_id"]] = "training"
        program = programs[s["program"]]
        where[s["external_id"]] = where[s["program"]]
        deadline, start = _date(s.get("enrol_deadline")), _date(s["start_date"])
        if (
            s.get("status") in OPEN_SESSION
            and program.get("status") in PUBLISHED_PROGRAM
            and (deadline is None or deadline >= today)
            and start is not None
            and start > today
        ):
            live.update((s["external_id"], s["program"]))
    for code in {c for c in where.values() if c} | {str(w["current_division"]) for w in data["workers"]}:
        if code not in centres:
            problems.append(f"division {code} has no known centre")
    workers = {w["external_id"]: w for w in data["workers"]}
    relevant: Counter[tuple[str, str]] = Counter()
    for j in data["judgments"]:
        w, item, grade = workers.get(j["worker"]), j["item"], j["relevance"]
        tag = f"{j['worker']} / {item} (grade {grade})"
        if w is None or item not in kind_of:
            problems.append(f"{tag}: unknown worker or item")
            continue
        if grade < 1:
            continue
        relevant[(j["worker"], kind_of[item])] += 1
        if item not in live:
            problems.append(f"{tag}: not in the catalogue on {today}")
        if item in malanhua and w.get("wants_to_start_business") not in YES:
            problems.append(f"{tag}: malanhua course for a worker with no 创业意向")
        if item in certificate:
            cert, level = certificate[item]
            for held in _list(w.get("certificates")):
                name, _, held_level = held.partition(":")
                if name == cert and (level is None or LEVELS.get(held_level, 9) <= level):
                    problems.append(f"{tag}: awards {cert} {level or ''} which the worker already holds")
        place = where[item]
        if place is None or place not in centres:
            continue
        homes = [str(w["current_division"]), *map(str, _list(w.get("preferred_divisions")))]
        distance = min(km(centres[h], centres[place]) for h in homes if h in centres)
        relocates = w.get("willing_to_relocate") not in NO
        limit = w.get("max_commute_km")
        if not relocates and limit in (None, "") and distance > NEAR_KM:
            problems.append(f"{tag}: {distance:.0f} km away and the worker will not relocate")
        elif not relocates and limit not in (None, "") and distance > float(limit):
            problems.append(f"{tag}: {distance:.0f} km, beyond the worker's {limit} km and no relocation")
        elif relocates and limit not in (None, "") and distance > float(limit) and grade > 1:
            problems.append(f"{tag}: {distance:.0f} km, beyond {limit} km: a near miss is at most grade 1")
    for (worker, kind), count in sorted(relevant.items()):
        if count > K:
            problems.append(f"{worker} / {kind}: {count} items graded >= 1 (recall@{K} cannot reach 1)")
    judged_kinds = {(j["worker"], kind_of.get(j["item"])) for j in data["judgments"]}
    empty = sorted(f"{w}/{k}" for w, k in judged_kinds if (w, k) not in relevant)
    figures = {
        "workers": len(data["workers"]),
        "postings": len(data["postings"]),
        "programs": len(data["programs"]),
        "sessions": len(data["sessions"]),
        "judgments": len(data["judgments"]),
        "by_grade": dict(sorted(Counter(j["relevance"] for j in data["judgments"]).items())),
        "by_kind": dict(Counter(kind_of.get(j["item"], "?") for j in data["judgments"])),
        "worker_kinds_with_nothing_relevant": empty,
    }
    return problems, figures


def import_check(data: dict[str, Any]) -> None:
    """Load every section with the import service into a throwaway database (no ranking)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
    django.setup()
    from backend.common.isolated_db import isolated_database
    from matching.evaluation.runner import import_sections, parse_set

    with isolated_database():
        import_sections(parse_set(data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the JSON is stale")
    parser.add_argument("--import-check", action="store_true", help="also import it into a throwaway DB")
    args = parser.parse_args(argv)
    data = build()
    problems, figures = measure(data)
    print(json.dumps(figures, ensure_ascii=False))
    if problems:
        print("the measure fails:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("measure check: ok (a ranker obeying RULES.md can score 1.0)")
    if args.import_check:
        import_check(data)
        print("import check: ok")
    text = render(data)
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is stale: run python -m matching.evaluation.counsellor.build", file=sys.stderr)
            return 1
        print(f"{OUTPUT.name} is current")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
