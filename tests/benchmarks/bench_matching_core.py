"""Matching core performance on a synthetic 200,000-posting + 5,000-session catalogue. On demand
only (pytest collects test_*.py, not bench_*.py); prints figures and ratios, never asserts on time.

    .venv/bin/python tests/benchmarks/bench_matching_core.py [--postings 200000] [--sessions 5000]
        [--workers 100000] [--processes 2] [--queries 300] [--naive 15] [--fresh]

Pure: no database, no Django settings. The catalogue is generated from a fixed seed with the real
taxonomy (backend/occupations/data/taxonomy.yaml: ~525 skills, 90 occupations, 73 certificates),
Guangdong county coordinates from cpca's adcodes.csv (PRD counties weighted up), and posting
texts in the demo generator's pattern, segmented by backend.text.analysis with the taxonomy words as
the domain dictionary. The built catalogue is cached in var/bench/ (joblib), like the Django side
caches it per version; --fresh rebuilds it.

Measured:
1. catalogue build (when it runs) or load time; its size;
2. one worker's recommend(kind="job", k=20) with explanations and pathways, p50/p95/p99 over
   --queries workers after a warm-up pass, side by side with
   (a) the raw sparse product alone — the worker row times the transposed item matrix, the floor
       (and, for reference, the dense-vector product over every posting), and
   (b) a straightforward per-item Python loop computing the same kind of score (the naive peer),
   with both ratios; the same for kind="training"; and with a learned (HGB) ranker;
3. recommend_batch top-20 jobs with explanations and pathways (and, for comparison, ranked only):
   workers/s, CPU per worker and memory
   (peak RSS and PSS per process), in one process on --single-process-workers workers, then in
   --processes forked processes on --workers workers (each process a slice, as Celery workers
   would share a batch run; the catalogue is shared copy-on-write).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import hashlib
import json
import math
import os
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from matching.core import (  # noqa: E402
    BaselineRanker,
    Catalogue,
    ItemData,
    LearnedRanker,
    Place,
    SkillHeld,
    TaxonomyData,
    WorkerData,
    recommend,
    recommend_batch,
)
from matching.core.candidates import generate_block  # noqa: E402
from matching.core.catalogue import FORMAT as CATALOGUE_FORMAT  # noqa: E402
from matching.core.features import IDX, pairwise_block  # noqa: E402
from matching.core.workers import prepare  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
TODAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SEED = 2023
TARGETS = {"recommend_p95_ms": 50.0, "batch_workers_per_s": 500.0}
PRD = ("4401", "4403", "4404", "4406", "4407", "4412", "4413", "4419", "4420")


# -- synthetic data --------------------------------------------------------------------------------
def load_taxonomy() -> tuple[TaxonomyData, dict[str, Any]]:
    """Ids assigned in file order; returns the TaxonomyData and helper tables."""
    with (ROOT / "backend/occupations/data/taxonomy.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    skill_ids: dict[str, int] = {}
    skill_names: dict[int, str] = {}
    occupations: dict[int, tuple[str, tuple[int, ...]]] = {}
    occ_slug: dict[str, int] = {}
    occ_brand: dict[int, str] = {}
    pending_also: list[tuple[int, list[str]]] = []
    for o_index, occ in enumerate(data["occupations"], start=1):
        own = []
        for skill in occ.get("skills") or []:
            sid = skill_ids.setdefault(skill["slug"], len(skill_ids) + 1)
            skill_names[sid] = skill["name"]
            own.append(sid)
        occupations[o_index] = (occ["name"], tuple(own))
        occ_slug[occ["slug"]] = o_index
        occ_brand[o_index] = occ.get("brand", "general")
        pending_also.append((o_index, occ.get("also_skills") or []))
    for o_index, also in pending_also:
        name, own = occupations[o_index]
        occupations[o_index] = (name, own + tuple(skill_ids[s] for s in also if s in skill_ids))
    certificates: dict[int, tuple[str, bool]] = {}
    licences: dict[int, list[int]] = {}
    for c_index, cert in enumerate(data["certificate_types"], start=1):
        certificates[c_index] = (cert["name"], bool(cert.get("has_levels")))
        occ = occ_slug.get(cert.get("occupation") or "")
        if occ:
            licences.setdefault(occ, []).append(c_index)
    taxonomy = TaxonomyData(skills=skill_names, occupations=occupations, certificates=certificates)
    words = [n for n, _ in occupations.values()] + list(skill_names.values())
    for occ in data["occupations"]:
        words.extend(occ.get("aliases") or [])
    return taxonomy, {"licences": licences, "brand": occ_brand, "words": words}


def guangdong_places() -> list[tuple[str, str, float, float, float]]:
    """(code, name, lat, lng, weight) of Guangdong's county-level divisions (+ 东莞, 中山)."""
    path = resources.files("cpca").joinpath("resources/adcodes.csv")
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if not row["latitude"] or not row["longitude"]:
                continue
            if not code.startswith("44") or code.endswith("0000"):
                continue
            if code.endswith("00") and code[:4] not in ("4419", "4420"):
                continue
            weight = 3.0 if code[:4] in PRD else 1.0
            out.append((code, row["name"], float(row["latitude"]), float(row["longitude"]), weight))
    return sorted(out)


def other_places() -> list[Place]:
    """Hukou places of the partner provinces (广西 45, 贵州 52) for a share of the workers."""
    path = resources.files("cpca").joinpath("resources/adcodes.csv")
    with path.open(encoding="utf-8") as fh:
        return [
            Place(float(r["latitude"]), float(r["longitude"]))
            for r in csv.DictReader(fh)
            if r["adcode"][:2] in ("45", "52")
            and r["adcode"][4:6] != "00"
            and r["latitude"]
            and r["longitude"]
        ]


class World:
    def __init__(self, seed: int = SEED) -> None:
        self.taxonomy, extra = load_taxonomy()
        self.licences: dict[int, list[int]] = extra["licences"]
        self.occ_brand: dict[int, str] = extra["brand"]
        self.words: list[str] = extra["words"]
        self.places = guangdong_places()
        self.place_weights = np.array([p[4] for p in self.places])
        self.place_weights /= self.place_weights.sum()
        self.far_places = other_places()
        rng = np.random.default_rng(seed)
        occ_ids = sorted(self.taxonomy.occupations)
        # Zipf-like popularity: a few occupations (普工, 保洁, 餐厅服务员...) carry many postings.
        popularity = 1.0 / np.arange(1, len(occ_ids) + 1) ** 0.9
        rng.shuffle(popularity)
        self.occ_ids = np.array(occ_ids)
        self.occ_p = popularity / popularity.sum()

    def place(self, rng: random.Random) -> tuple[str, str, float, float]:
        i = int(np.searchsorted(np.cumsum(self.place_weights), rng.random()))
        code, name, lat, lng, _ = self.places[min(i, len(self.places) - 1)]
        return code, name, lat, lng

    def occupation(self, rng: random.Random) -> int:
        i = int(np.searchsorted(np.cumsum(self.occ_p), rng.random()))
        return int(self.occ_ids[min(i, len(self.occ_ids) - 1)])

    def postings(self, n: int, seed: int) -> list[ItemData]:
        rng = random.Random(seed)
        tax = self.taxonomy
        items = []
        for pid in range(1, n + 1):
            occ = self.occupation(rng)
            occ_name, skills = tax.occupations[occ]
            skills = list(skills) or [1]
            req_n = min(len(skills), rng.randint(1, 3))
            chosen = rng.sample(skills, min(len(skills), req_n + rng.randint(0, 2)))
            req, pref = tuple(sorted(chosen[:req_n])), tuple(sorted(chosen[req_n:]))
            cert = level = None
            if self.licences.get(occ) and rng.random() < 0.45:
                cert = rng.choice(self.licences[occ])
                if tax.certificates[cert][1]:
                    level = rng.choices((5, 4, 3), weights=(55, 35, 10))[0]
            _, pname, lat, lng = self.place(rng)
            lat += rng.uniform(-0.05, 0.05)
            lng += rng.uniform(-0.05, 0.05)
            wage_min = wage_max = None
            if rng.random() < 0.85:
                wage_min = rng.randrange(3000, 9000, 500)
                wage_max = wage_min + rng.randrange(500, 4000, 500)
            lodging, meals = rng.random() < 0.45, rng.random() < 0.5
            couple = lodging and rng.random() < 0.1
            head = rng.randint(1, 30)
            title = rng.choice(("", "", "", "急招", "诚聘", "长期招聘")) + occ_name
            benefits = "、".join(t for f, t in ((lodging and meals, "包吃住"), (couple, "有夫妻房")) if f)
            pay = f"{wage_min}-{wage_max}元/月" if wage_min else "计件,多劳多得"
            text = (
                f"招聘{title}{head}名,工作地点{pname}。岗位要求:熟悉{'、'.join(tax.skills[s] for s in req)}"
                + (f";须持{tax.certificates[cert][0]}" if cert else "")
                + f"。待遇:{pay}"
                + (f";{benefits}" if benefits else "")
                + ";长白班。"
            )
            items.append(
                ItemData(
                    kind="job",
                    id=pid,
                    program_id=None,
                    occupation_id=occ,
                    required_skills=req,
                    preferred_skills=pref,
                    certificate_id=cert,
                    certificate_level=level,
                    place=Place(lat, lng),
                    online=False,
                    wage_min=wage_min,
                    wage_max=wage_max,
                    lodging=lodging,
                    meals=meals,
                    couple_rooms=couple,
                    start_date=None,
                    free=False,
                    subsidised=False,
                    fee=0.0,
                    brand="",
                    title=title,
                    text=text,
                    updated=NOW - dt.timedelta(days=rng.uniform(0, 45)),
                )
            )
        return items

    def sessions(self, n: int, seed: int) -> list[ItemData]:
        rng = random.Random(seed)
        tax = self.taxonomy
        items: list[ItemData] = []
        program = 0
        while len(items) < n:
            program += 1
            occ = self.occupation(rng) if rng.random() < 0.7 else int(rng.choice(self.occ_ids))
            occ_name, skills = tax.occupations[occ]
            skills = list(skills) or [1]
            taught = tuple(sorted(rng.sample(skills, min(len(skills), rng.randint(3, 6)))))
            cert = level = None
            if self.licences.get(occ) and rng.random() < 0.7:
                cert = rng.choice(self.licences[occ])
                if tax.certificates[cert][1]:
                    level = rng.choice((5, 4, 3))
            online = rng.random() < 0.1
            _, pname, lat, lng = self.place(rng)
            free = rng.random() < 0.6
            subsidised = not free and rng.random() < 0.6
            brand = self.occ_brand.get(occ, "general")
            title = f"{occ_name}培训班" if not online else f"{occ_name}线上课程"
            text = f"{'线上授课' if online else pname + '线下授课'}。主要内容:{'、'.join(tax.skills[s] for s in taught)}。"
            for _ in range(rng.randint(2, 6)):
                if len(items) >= n:
                    break
                items.append(
                    ItemData(
                        kind="training",
                        id=len(items) + 1,
                        program_id=program,
                        occupation_id=occ,
                        required_skills=taught,
                        preferred_skills=(),
                        certificate_id=cert,
                        certificate_level=level,
                        place=None if online else Place(lat, lng),
                        online=online,
                        wage_min=None,
                        wage_max=None,
                        lodging=False,
                        meals=False,
                        couple_rooms=False,
                        start_date=TODAY + dt.timedelta(days=rng.randint(3, 120)),
                        free=free,
                        subsidised=subsidised,
                        fee=0.0 if free else float(rng.randrange(500, 3500, 100)),
                        brand=brand,
                        title=title,
                        text=text,
                        updated=NOW - dt.timedelta(days=rng.uniform(0, 60)),
                    )
                )
        return items

    def workers(self, n: int, seed: int) -> list[WorkerData]:
        rng = random.Random(seed)
        tax = self.taxonomy
        out = []
        for wid in range(1, n + 1):
            desired = [self.occupation(rng) for _ in range(rng.choice((1, 1, 2)))]
            skills: dict[int, SkillHeld] = {}
            for occ in desired if rng.random() < 0.8 else [self.occupation(rng)]:
                pool = list(tax.occupations[occ][1])
                for s in rng.sample(pool, min(len(pool), rng.randint(1, 4))):
                    skills[s] = SkillHeld(years=rng.randint(0, 12), level=rng.choice((None, None, 5, 4, 3)))
            certs: dict[int, int | None] = {}
            for occ in desired:
                if self.licences.get(occ) and rng.random() < 0.35:
                    c = rng.choice(self.licences[occ])
                    certs[c] = rng.choice((5, 4, 3)) if tax.certificates[c][1] else None
            _, _, lat, lng = self.place(rng)
            current = Place(lat, lng)
            preferred = tuple(
                Place(p[2], p[3]) for p in (self.place(rng) for _ in range(rng.choice((0, 0, 1, 2))))
            )
            near_home = rng.random() < 0.2
            hukou = None
            if near_home:
                hukou = rng.choice(self.far_places) if rng.random() < 0.3 else Place(*self.place(rng)[2:])
            relocate = rng.random() < 0.3
            names = [tax.occupations[o][0] for o in desired] + [tax.skills[s] for s in skills]
            out.append(
                WorkerData(
                    id=wid,
                    skills=skills,
                    certificates=certs,
                    desired_occupations=tuple(dict.fromkeys(desired)),
                    text=" ".join(names),
                    current=current,
                    preferred=preferred,
                    hukou=hukou,
                    wants_work_near_home=near_home,
                    max_commute_km=None if rng.random() < 0.4 else rng.choice((10, 20, 30, 50, 80, 150)),
                    willing_to_relocate=relocate,
                    wage_floor=rng.randrange(3000, 8000, 500) if rng.random() < 0.6 else None,
                    needs_lodging=rng.random() < 0.4,
                    needs_meals=rng.random() < 0.3,
                    needs_couple_room=rng.random() < 0.05,
                    available_from=TODAY + dt.timedelta(days=rng.randint(0, 30))
                    if rng.random() < 0.5
                    else None,
                    wants_to_start_business=rng.random() < 0.08,
                )
            )
        return out


# -- the naive peer: a per-item Python loop -------------------------------------------------------
def haversine(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def naive_items(items: Sequence[ItemData], analyse: Callable[[str], list[str]]) -> list[tuple[Any, ...]]:
    return [
        (
            it.id,
            it.occupation_id,
            frozenset(it.required_skills),
            frozenset(it.preferred_skills),
            it.certificate_id,
            it.certificate_level,
            it.place,
            it.wage_min,
            it.wage_max,
            it.lodging,
            frozenset(analyse(f"{it.title} {it.text}")),
        )
        for it in items
        if it.kind == "job"
    ]


def naive_recommend(
    worker: WorkerData, items: list[tuple[Any, ...]], tokens: frozenset[str], k: int = 20
) -> list[int]:
    """What one would write first: loop over every posting, filter, score, sort."""
    held = set(worker.skills)
    desired = set(worker.desired_occupations)
    places = [p for p in (worker.current, *worker.preferred) if p is not None]
    if worker.wants_work_near_home and worker.hukou:
        places.append(worker.hukou)
    limit = None if worker.willing_to_relocate else worker.max_commute_km
    floor = worker.wage_floor
    scored = []
    for iid, occ, req, pref, cert, level, place, wmin, wmax, lodging, words in items:
        d = min(haversine(p.lat, p.lng, place.lat, place.lng) for p in places) if places and place else None
        if limit is not None and d is not None and d > limit:
            continue
        if floor is not None and wmax is not None and wmax < floor:
            continue
        coverage = len(req & held) / len(req) if req else 1.0
        pref_cov = len(pref & held) / len(pref) if pref else 1.0
        cert_ok = 1.0
        if cert is not None:
            have = worker.certificates.get(cert, -1)
            cert_ok = (
                0.0 if have == -1 else 1.0 if level is None or (have is not None and have <= level) else 0.5
            )
        text = len(tokens & words) / math.sqrt(len(words) or 1)
        prox = 0.5 if d is None else 1 / (1 + d / 25)
        wage = 1.0
        if floor and (wmin or wmax):
            offered = ((wmin or wmax) + (wmax or wmin)) / 2
            wage = min(max((offered / floor - 0.8) / 0.4, 0.0), 1.0)
        lodge = (1.0 if lodging else 0.0) if worker.needs_lodging else 1.0
        score = (
            2 * coverage
            + 0.5 * pref_cov
            + (occ in desired)
            + cert_ok
            + 0.6 * text
            + 1.5 * prox
            + wage
            + 0.8 * lodge
        )
        scored.append((score, iid))
    scored.sort(reverse=True)
    return [iid for _, iid in scored[:k]]


# -- measuring -------------------------------------------------------------------------------------
def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(ms: list[float]) -> dict[str, float]:
    xs = sorted(ms)

    def pct(p: float) -> float:
        return xs[min(len(xs) - 1, max(0, math.ceil(p / 100 * len(xs)) - 1))]

    return {"p50": round(statistics.median(xs), 3), "p95": round(pct(95), 3), "p99": round(pct(99), 3)}


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def synthetic_ranker(world_workers: Sequence[WorkerData], catalogue: Catalogue) -> LearnedRanker:
    """An HGB ranker fitted on labels simulated from the features (staff approve qualified, near,
    well-paid matches more often), to time a learned model, not to judge it."""
    block = prepare(list(world_workers), catalogue, kind="job")
    found = generate_block(block, catalogue, kind="job", k=60)
    owners = np.repeat(np.arange(block.size), [len(c[0]) for c in found])
    items = np.concatenate([c[0] for c in found])
    X, _ = pairwise_block(block, catalogue, owners, items, np.concatenate([c[1] for c in found]))
    rng = np.random.default_rng(7)
    logit = (
        2.5 * X[:, IDX["skill_coverage"]]
        + 1.5 * X[:, IDX["qualified"]]
        + 2.0 * X[:, IDX["proximity"]]
        + X[:, IDX["wage_fit"]]
        + 0.8 * X[:, IDX["lodging_fit"]]
        - 4.0
    )
    y = rng.random(len(X)) < 1 / (1 + np.exp(-logit))
    return LearnedRanker("hgb", version="bench-hgb").fit(X, y.astype(int))


def pss_mb() -> float:
    """Proportional set size: shared pages (the forked catalogue) split between the processes."""
    try:
        with open("/proc/self/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def batch_part(
    workers: Sequence[WorkerData], catalogue: Catalogue, ranker: Any, chunk: int, explained: bool = True
) -> dict[str, float]:
    """One process's share of the batch run: recommend_batch on chunks of workers, as a Celery
    task would be given them; results are counted and dropped (a task would store them)."""
    t = time.perf_counter()
    cpu = time.process_time()
    count = 0
    for start in range(0, len(workers), chunk):
        out = recommend_batch(
            workers[start : start + chunk],
            catalogue,
            ranker,
            kind="job",
            k=20,
            explanations=explained,
            with_pathways=explained,
        )
        count += sum(len(r) for r in out)
        del out
    return {
        "workers": len(workers),
        "seconds": time.perf_counter() - t,
        "cpu_seconds": time.process_time() - cpu,
        "recommendations": count,
        "peak_rss_mb": peak_rss_mb(),
        "pss_mb": pss_mb(),
    }


_SHARED: dict[str, Any] = {}


def _child(bounds: tuple[int, int]) -> dict[str, float]:
    lo, hi = bounds
    return batch_part(
        _SHARED["workers"][lo:hi],
        _SHARED["catalogue"],
        _SHARED["ranker"],
        _SHARED["chunk"],
        _SHARED["explained"],
    )


def run_batch(
    workers: Sequence[WorkerData],
    catalogue: Catalogue,
    ranker: Any,
    processes: int,
    chunk: int,
    explained: bool = True,
) -> dict[str, Any]:
    """`processes` forked processes, each with an equal slice of the workers (the catalogue is
    inherited copy-on-write, as by prefork Celery workers that loaded it before forking)."""
    import multiprocessing

    gc.collect()
    if processes == 1:
        part = batch_part(workers, catalogue, ranker, chunk, explained)
        parts = [part]
        wall = part["seconds"]
    else:
        _SHARED.update(workers=workers, catalogue=catalogue, ranker=ranker, chunk=chunk, explained=explained)
        step = -(-len(workers) // processes)
        slices = [(i, min(i + step, len(workers))) for i in range(0, len(workers), step)]
        t = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.map(_child, slices)
        wall = time.perf_counter() - t
    return {
        "processes": processes,
        "explanations_and_pathways": explained,
        "workers": len(workers),
        "seconds": round(wall, 1),
        "workers_per_s": round(len(workers) / wall, 1),
        "cpu_ms_per_worker": round(1000 * sum(p["cpu_seconds"] for p in parts) / len(workers), 2),
        "recommendations": int(sum(p["recommendations"] for p in parts)),
        "peak_rss_mb_per_process": [round(p["peak_rss_mb"], 1) for p in parts],
        "pss_mb_per_process": [round(p["pss_mb"], 1) for p in parts],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postings", type=int, default=200_000)
    parser.add_argument("--sessions", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=100_000, help="workers of the batch run")
    parser.add_argument("--processes", type=int, default=2, help="processes of the batch run (one per core)")
    parser.add_argument(
        "--single-process-workers", type=int, default=10_000, help="workers of the 1-process run"
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--naive", type=int, default=15, help="workers timed with the naive per-item loop")
    parser.add_argument("--batch-chunk", type=int, default=2_000, help="workers per recommend_batch call")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached catalogue")
    args = parser.parse_args()

    from backend.text.analysis import Analyzer, reset_analyzer
    from matching.core.text import analyse

    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "numpy": np.__version__},
        "load_average_at_start": os.getloadavg(),
        "targets": TARGETS,
    }
    t0 = time.perf_counter()
    world = World()
    reset_analyzer(Analyzer(world.words))
    analyse("预热")  # jieba's main dictionary
    print(
        f"taxonomy: {len(world.taxonomy.skills)} skills, {len(world.taxonomy.occupations)} occupations, "
        f"{len(world.taxonomy.certificates)} certificates; {len(world.places)} Guangdong places "
        f"({time.perf_counter() - t0:.1f}s); load average {os.getloadavg()}"
    )

    rss_before = rss_mb()
    key = hashlib.sha256(f"{args.postings}-{args.sessions}-{SEED}-{CATALOGUE_FORMAT}".encode()).hexdigest()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"matching-core-catalogue-{key[:10]}.joblib"
    if path.exists() and not args.fresh:
        t = time.perf_counter()
        catalogue = Catalogue.load(path)
        results["catalogue_load_s"] = round(time.perf_counter() - t, 2)
        print(f"catalogue loaded from {path.name} in {results['catalogue_load_s']}s")
    else:
        t = time.perf_counter()
        items = world.postings(args.postings, SEED) + world.sessions(args.sessions, SEED + 1)
        gen_s = time.perf_counter() - t
        t = time.perf_counter()
        catalogue = Catalogue.build(items, world.taxonomy, version=f"bench-{key[:10]}")
        results["catalogue_build_s"] = round(time.perf_counter() - t, 2)
        catalogue.save(path)
        del items
        print(f"generated the items in {gen_s:.1f}s; built the catalogue in {results['catalogue_build_s']}s")
    results["catalogue"] = catalogue.describe()
    print("catalogue:", json.dumps(results["catalogue"]))
    for kind in ("job", "training"):  # what a long-lived process has built after its first requests
        catalogue.by_feature(kind)
        catalogue.by_feature_whole(kind)
        catalogue.frequent(kind)
    gc.collect()
    results["rss_with_catalogue_mb"] = round(rss_mb(), 1)
    results["catalogue_rss_mb"] = round(rss_mb() - rss_before, 1)
    print(
        f"RSS with the catalogue loaded: {results['rss_with_catalogue_mb']} MB "
        f"(the catalogue and its derived indexes: {results['catalogue_rss_mb']} MB)"
    )

    workers = world.workers(max(args.workers, args.queries + 50), SEED + 2)
    baseline = BaselineRanker()

    # -- the batch: first, so its peak memory is its own ------------------------------------------
    results["batch"] = {}
    single = min(args.single_process_workers, args.workers)
    for name, processes, count, explained in (
        ("processes_1", 1, single, True),
        ("processes_1_ranked_only", 1, single, False),
        (f"processes_{args.processes}", args.processes, args.workers, True),
    ):
        figures = run_batch(workers[:count], catalogue, baseline, processes, args.batch_chunk, explained)
        results["batch"][name] = figures
        print(f"recommend_batch top-20 jobs: {json.dumps(figures)}")

    # -- one worker: recommend vs the floor vs the naive loop -------------------------------------
    queries = workers[: args.queries]
    for w in workers[args.queries : args.queries + 50]:  # warm-up
        recommend(w, catalogue, baseline, kind="job")
        recommend(w, catalogue, baseline, kind="training")
    live: dict[str, list[float]] = {"job": [], "training": []}
    floor_ms: list[float] = []
    dense_ms: list[float] = []
    lo, hi = catalogue.kind_range("job")
    jobs_matrix = catalogue.matrix[lo:hi]
    chunks = catalogue.by_feature("job")
    touched = []
    for w in queries:
        live["job"].append(timed(lambda w=w: recommend(w, catalogue, baseline, kind="job")))
        live["training"].append(timed(lambda w=w: recommend(w, catalogue, baseline, kind="training")))
        vec = catalogue.worker_vector(w)
        floor_ms.append(timed(lambda vec=vec: [vec @ m for _, m in chunks]))
        dense = np.asarray(vec.todense()).ravel()
        dense_ms.append(timed(lambda dense=dense: jobs_matrix @ dense))
        touched.append(sum((vec @ m).nnz for _, m in chunks))
    recs = [recommend(w, catalogue, baseline, kind="job") for w in queries[:100]]
    results["recommend_job_ms"] = percentiles(live["job"])
    results["recommend_training_ms"] = percentiles(live["training"])
    results["floor_sparse_product_ms"] = percentiles(floor_ms)
    results["dense_vector_product_ms"] = percentiles(dense_ms)
    results["touched_postings_per_worker"] = {
        "median": int(statistics.median(touched)),
        "max": int(max(touched)),
    }
    results["jobs_with_pathways_per_worker"] = round(
        sum(1 for rs in recs for r in rs if r.pathways) / len(recs), 2
    )

    hgb = synthetic_ranker(workers[-2000:], catalogue)
    for w in workers[args.queries : args.queries + 20]:
        recommend(w, catalogue, hgb, kind="job")
    results["recommend_job_hgb_ms"] = percentiles(
        [timed(lambda w=w: recommend(w, catalogue, hgb, kind="job")) for w in queries]
    )

    peers = naive_items(world.postings(args.postings, SEED), analyse)
    naive_ms = []
    for w in queries[: args.naive]:
        tokens = frozenset(analyse(w.text))
        naive_ms.append(timed(lambda w=w, tokens=tokens, peers=peers: naive_recommend(w, peers, tokens)))
    del peers
    gc.collect()
    results["naive_loop_ms"] = percentiles(naive_ms)
    p50 = results["recommend_job_ms"]["p50"]
    results["ratios"] = {
        "recommend_over_floor_p50": round(p50 / results["floor_sparse_product_ms"]["p50"], 1),
        "naive_over_recommend_p50": round(results["naive_loop_ms"]["p50"] / p50, 1),
    }
    results["load_average_at_end"] = os.getloadavg()

    print("\none worker, top 20 with explanations and pathways (ms):")
    for name in (
        "recommend_job_ms",
        "recommend_training_ms",
        "recommend_job_hgb_ms",
        "floor_sparse_product_ms",
        "dense_vector_product_ms",
        "naive_loop_ms",
    ):
        print(f"  {name:28s} {results[name]}")
    print(
        f"  touched postings per worker: {results['touched_postings_per_worker']}; "
        f"jobs with pathways per worker: {results['jobs_with_pathways_per_worker']}"
    )
    print(
        f"  ratios (p50): recommend / floor = {results['ratios']['recommend_over_floor_p50']}x, "
        f"naive / recommend = {results['ratios']['naive_over_recommend_p50']}x"
    )
    print("\ntargets:", TARGETS)
    print(f"  recommend p95 {results['recommend_job_ms']['p95']} ms (target ≤ {TARGETS['recommend_p95_ms']})")
    target = TARGETS["batch_workers_per_s"]
    print(
        f"  batch target ≥ {target} workers/s: read on processes_{args.processes} (top 20 jobs with "
        "explanations and pathways, one process per core as the Celery workers run it); "
        "processes_1 is one core's share, CPU per worker the figure that does not depend on load"
    )
    for name, figures in results["batch"].items():
        capacity = 1000 / figures["cpu_ms_per_worker"] * (os.cpu_count() or 1)
        peaks = "/".join(f"{mb:.0f}" for mb in figures["peak_rss_mb_per_process"])
        print(
            f"  batch {name}: {figures['workers_per_s']} workers/s measured "
            f"({figures['workers_per_s'] / target:.2f}× the target); "
            f"{figures['cpu_ms_per_worker']} ms CPU per worker = {capacity:.0f} workers/s on "
            f"{os.cpu_count()} free cores; peak RSS {peaks} MB per process"
        )
    print(f"  load average start/end: {results['load_average_at_start']} / {results['load_average_at_end']}")
    out_path = BENCH_DIR / "matching-core-results.json"
    out_path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"figures written to {out_path}")


if __name__ == "__main__":
    main()
