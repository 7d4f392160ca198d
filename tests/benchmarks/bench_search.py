"""Search performance on a 200,000-posting corpus, with peers, measured in one run. On demand only
(pytest collects test_*.py, not bench_*.py); prints figures and ratios, never asserts on time.

    .venv/bin/python tests/benchmarks/bench_search.py [--fresh] [--reindex] [--queries 200] [--prefixes 200]

The corpus lives in its own database and index, never the developer's var/skillbridge.sqlite3:
var/bench/bench.sqlite3 and var/bench/search.sqlite3 (this script sets DATABASE_URL and
SEARCH_FTS5_PATH itself, with the settings in tests/benchmarks/search_settings.py). The first run
(or --fresh) migrates it, loads divisions and the taxonomy and runs
`seed_demo --postings 200000 --programs 5000 --workers 1000 --seed 2023 --today 2026-03-02`;
the index is rebuilt (and timed) when it does not hold exactly the indexable rows (missing, stale,
an older layout recreated empty) or with --reindex. "Today" is frozen at the corpus date for the
whole process, so the same postings are indexable whatever day the benchmark runs. Two runs at
once wait on var/bench/search.lock. docs/benchmarks.md has the definitions and the figures.

Measured:
1. indexing: index_rebuild() (when it runs), and every run the two parts apart: building the
   documents (SQL + jieba segmentation + pinyin) and writing them to a scratch FTS5 file;
   tantivy's write of the same documents for comparison;
2. query latency p50/p95/p99 over a fixed mix of queries (search/query text from the taxonomy,
   pinyin, county names; each with a county or city filter; facets on; mostly sorted by distance
   from a county centroid, some by relevance or wage), after a warm-up pass: (a) search_run(),
   (b) GET /api/v1/search/ through django.test.Client (WSGI handler, middleware, DRF, JSON);
3. the same queries on peers: a naive Django ORM search and tantivy (search_peers.py), and the
   latency ratios against FTS5;
4. recall and precision of each engine's FULL result set against brute-force ground truths;
5. search_suggest() latency over typed prefixes; 6. peak RSS.
Figures go to stdout and to var/bench/search-results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import fcntl
import gc
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
DATABASE = BENCH_DIR / "bench.sqlite3"
INDEX = BENCH_DIR / "search.sqlite3"
SCRATCH_INDEX = BENCH_DIR / "search-write.sqlite3"
TANTIVY_DIR = BENCH_DIR / "tantivy"
MARKER = BENCH_DIR / "corpus.json"
RESULTS = BENCH_DIR / "search-results.json"
CORPUS = {"postings": 200_000, "programs": 5_000, "workers": 1_000, "seed": 2023, "today": "2026-03-02"}
TODAY = dt.date.fromisoformat(str(CORPUS["today"]))
TARGETS = {"search_run_p95_ms": 15.0, "api_p95_ms": 50.0, "suggest_p95_ms": 20.0}


def configure() -> None:
    """Point Django at the benchmark database and index, then set it up."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["SEARCH_FTS5_PATH"] = str(INDEX)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.search_settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.utils import timezone

    real_localdate = timezone.localdate

    def frozen_localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return TODAY if value is None else real_localdate(value, timezone)

    mock.patch.object(timezone, "localdate", frozen_localdate).start()
    # whitenoise warns that STATIC_ROOT does not exist: the benchmark serves no static files
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


# --- measurement helpers -------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "p99": round(percentile(values, 99), 2),
        "mean": round(statistics.fmean(values), 2),
        "max": round(max(values), 2),
    }


def timed(call: Callable[[Any], Any], items: Sequence[Any]) -> tuple[list[float], list[float], list[Any]]:
    """Wall milliseconds per call, the same calls' CPU milliseconds (this thread: on a shared 2-core
    machine, wall time also counts other processes' load), and what each call returned."""
    times, cpu, results = [], [], []
    gc.collect()
    for item in items:
        started, started_cpu = time.perf_counter(), time.thread_time()
        result = call(item)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        results.append(result)
    return times, cpu, results


def rss() -> dict[str, int]:
    """Current and peak resident set size (MiB), from /proc (Linux)."""
    values: dict[str, int] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) // 1024
    except OSError:
        pass
    return {
        "rss_mib": values.get("VmRSS", 0),
        "peak_mib": values.get("VmHWM", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024),
    }


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark so the next phase's peak is its own (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- corpus and index ------------------------------------------------------------------------------
def remove_index(path: Path) -> None:
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.new")):
        file.unlink(missing_ok=True)


def ensure_corpus(*, fresh: bool) -> dict[str, Any]:
    """The benchmark database, generated once (or with --fresh); never the developer's database."""
    from django.core.management import call_command
    from django.db import connection

    marker = json.loads(MARKER.read_text()) if MARKER.exists() else None
    if fresh or marker != CORPUS:
        connection.close()
        for file in (DATABASE, Path(f"{DATABASE}-wal"), Path(f"{DATABASE}-shm"), MARKER):
            file.unlink(missing_ok=True)
        remove_index(INDEX)
    if DATABASE.exists():
        return {"generated": False}
    log(f"generating the corpus into {DATABASE.relative_to(ROOT)} (a few minutes) ...")
    started = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_divisions", verbosity=0)
    call_command("load_taxonomy", verbosity=0)
    call_command(
        "seed_demo",
        "--postings", str(CORPUS["postings"]), "--programs", str(CORPUS["programs"]),
        "--workers", str(CORPUS["workers"]), "--seed", str(CORPUS["seed"]), "--today", str(CORPUS["today"]),
        verbosity=1,
    )  # fmt: skip
    MARKER.write_text(json.dumps(CORPUS))
    seconds = time.perf_counter() - started
    log(f"corpus generated in {seconds:.0f} s")
    return {"generated": True, "seconds": round(seconds, 1)}


def fresh_analyzer() -> float:
    """A new Analyzer (empty segmentation and pinyin memos); jieba's main dictionary stays loaded."""
    from backend.text.analysis import get_analyzer, reset_analyzer

    reset_analyzer()
    started = time.perf_counter()
    get_analyzer()
    return time.perf_counter() - started


def measure_indexing(*, rebuild: bool) -> tuple[dict[str, Any], list[Any]]:
    """index_rebuild() when asked, then the document-building and FTS5-write parts apart.

    Returns the figures and the documents built (the peers and the ground truth use them)."""
    from search.backends.fts5 import FTS5Backend
    from search.query import Kind
    from search.services import documents_for, index_rebuild, index_stats, vocabulary

    figures: dict[str, Any] = {}
    fresh_analyzer()  # jieba's main dictionary: loaded once per process, outside every timing
    if rebuild:
        figures["analyzer_seconds"] = round(fresh_analyzer(), 2)
        log("index_rebuild() ...")
        reset_peak()
        started = time.perf_counter()
        counts = index_rebuild()
        seconds = time.perf_counter() - started
        documents = sum(counts.values())
        figures["rebuild"] = {
            "documents": documents,
            "by_kind": {str(k): v for k, v in counts.items()},
            "seconds": round(seconds, 2),
            "docs_per_s": round(documents / seconds),
            "peak_rss_mib": rss()["peak_mib"],
        }
        log(f"index_rebuild(): {documents:,} documents in {seconds:.1f} s ({documents / seconds:,.0f}/s)")
    else:
        figures["rebuild"] = None
    figures["index_bytes"] = index_stats()["bytes"]

    fresh_analyzer()
    log("building documents (SQL + segmentation + pinyin) ...")
    reset_peak()
    started = time.perf_counter()
    jobs = list(documents_for(Kind.JOB))
    trainings = list(documents_for(Kind.TRAINING))
    build = time.perf_counter() - started
    documents = jobs + trainings
    words = vocabulary()
    log(f"  {len(documents):,} documents in {build:.1f} s; writing them to a scratch FTS5 file ...")
    remove_index(SCRATCH_INDEX)
    scratch = FTS5Backend(SCRATCH_INDEX)
    started = time.perf_counter()
    scratch.rebuild({Kind.JOB: jobs, Kind.TRAINING: trainings}, vocabulary=words)
    write = time.perf_counter() - started
    scratch.close()
    remove_index(SCRATCH_INDEX)
    figures["build"] = {
        "documents": len(documents),
        "seconds": round(build, 2),
        "docs_per_s": round(len(documents) / build),
    }
    figures["fts5_write"] = {
        "documents": len(documents),
        "seconds": round(write, 2),
        "docs_per_s": round(len(documents) / write),
    }
    figures["build_and_write_peak_rss_mib"] = rss()["peak_mib"]
    log(f"  FTS5 write: {write:.1f} s ({len(documents) / write:,.0f}/s)")
    return figures, documents


# --- the engines under test ---------------------------------------------------------------------------
def fts5_ids(spec: Any) -> tuple[set[int], int]:
    """Every document the embedded backend finds for the query, by paging through its own results
    (50 a page; facets and highlighting off), and the total it reports. Black-box on purpose:
    whatever the backend does inside, this is its full result set."""
    from search.backends.fts5 import rowid_of
    from search.query import MAX_PAGE, MAX_PAGE_SIZE
    from search.services import search_run

    found: set[int] = set()
    page, total = 1, 0
    while page <= MAX_PAGE:
        query = dataclasses.replace(
            spec.search_query(facets=False, highlight=False), page=page, page_size=MAX_PAGE_SIZE
        )
        result = search_run(query=query)
        total = result.total
        found.update(rowid_of(hit.kind, hit.id) for hit in result.hits)
        if len(found) >= total or not result.hits:
            break
        page += 1
    return found, total


def run_latency(
    engines: dict[str, Callable[[Any], Any]], specs: Sequence[Any], *, warm_up: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, call in engines.items():
        log(f"latency: {name} ({'warm-up pass, then ' if warm_up else ''}{len(specs)} timed queries) ...")
        if warm_up:  # page cache, prepared statements, memos
            for spec in specs:
                call(spec)
        reset_peak()
        times, cpu, results = timed(call, specs)
        by_sort: dict[str, list[float]] = defaultdict(list)
        by_family: dict[str, list[float]] = defaultdict(list)
        for spec, ms in zip(specs, times, strict=True):
            by_sort[spec.sort].append(ms)
            by_family[spec.family].append(ms)
        slowest = sorted(zip(times, specs, strict=True), key=lambda pair: -pair[0])[:5]
        out[name] = {
            "all": summary(times),
            "cpu": summary(cpu),
            "by_sort": {k: summary(v) for k, v in sorted(by_sort.items())},
            "by_family": {k: summary(v) for k, v in sorted(by_family.items())},
            "slowest": [{"ms": round(ms, 1), **spec_dict(spec)} for ms, spec in slowest],
            "peak_rss_mib": rss()["peak_mib"],
            "_results": results,
            "_times": times,
        }
        log(f"  {name}: p50 {out[name]['all']['p50']} ms, p95 {out[name]['all']['p95']} ms")
    return out


def spec_dict(spec: Any) -> dict[str, Any]:
    return {
        "q": spec.text,
        "kind": spec.kind,
        "division": spec.division,
        "sort": spec.sort,
        "near": spec.near,
        "family": spec.family,
    }


def mean_or_none(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(statistics.fmean(kept), 4) if kept else None


def measure_quality(
    specs: Sequence[Any], corpus: Any, engines: dict[str, Callable[[Any], set[int]]]
) -> dict[str, Any]:
    from tests.benchmarks.search_workload import analysed, literal_truth, precision_recall, token_truth

    scores: dict[str, dict[str, dict[str, list[float | None]]]] = {
        truth: {name: {"precision": [], "recall": [], "exact": []} for name in engines}
        for truth in ("token", "literal")
    }
    sizes: dict[str, list[int]] = defaultdict(list)
    worst: dict[str, list[tuple[float, str, int, int]]] = defaultdict(list)
    families: dict[str, list[int]] = defaultdict(list)
    for spec in specs:
        terms, pinyin_query = analysed(spec.text)
        truths = {
            "token": token_truth(corpus, spec, terms, pinyin_query),
            "literal": literal_truth(corpus, spec),
        }
        families[spec.family].append(len(truths["token"]))
        for truth, expected in truths.items():
            sizes[f"truth_{truth}"].append(len(expected))
        for name, ids in engines.items():
            found = ids(spec)
            sizes[name].append(len(found))
            for truth, expected in truths.items():
                precision, recall = precision_recall(found, expected)
                row = scores[truth][name]
                row["precision"].append(precision)
                row["recall"].append(recall)
                row["exact"].append(1.0 if found == expected else 0.0)
                if truth == "token" and found != expected:
                    worst[name].append(
                        (recall if recall is not None else 0.0, spec.text, len(found), len(expected))
                    )
    out: dict[str, Any] = {}
    for truth, engines_scores in scores.items():
        out[truth] = {
            name: {
                "precision": mean_or_none(row["precision"]),
                "recall": mean_or_none(row["recall"]),
                "exact_share": mean_or_none(row["exact"]),
                "queries_scored_precision": sum(v is not None for v in row["precision"]),
                "queries_scored_recall": sum(v is not None for v in row["recall"]),
            }
            for name, row in engines_scores.items()
        }
    out["mean_result_size"] = {k: round(statistics.fmean(v), 1) for k, v in sizes.items()}
    out["token_truth_by_family"] = {
        family: {"queries": len(n), "empty": sum(1 for x in n if not x), "median": statistics.median(n)}
        for family, n in sorted(families.items())
    }
    out["empty_truth_queries"] = {
        "token": sum(1 for n in sizes["truth_token"] if n == 0),
        "literal": sum(1 for n in sizes["truth_literal"] if n == 0),
    }
    out["token_mismatches"] = {
        name: [{"q": q, "found": f, "truth": t, "recall": round(r, 3)} for r, q, f, t in sorted(rows)[:8]]
        for name, rows in worst.items()
    }
    return out


DEFINITIONS = """\
Definitions (recall/precision are of the FULL result set, not a page; averaged over queries where defined):
  token truth   = documents within the query's filters (kind, county/city; the index holds published,
                  unexpired rows) whose segmented title or body (index_text: jieba search mode, the tokens
                  the index stores) contains, for EVERY query term from query_terms(), one of the term's
                  alternatives (its own tokens or a taxonomy synonym's) as adjacent tokens within one field;
                  OR, when the query looks like pinyin, whose pinyin field has a token starting with it.
                  This is the engine's own matching semantics, computed by brute force in Python.
  literal truth = documents within the same filters whose original title or description contains every
                  whitespace-separated query word as a case-insensitive substring: what the ORM peer means.
  precision     = |found & truth| / |found| (undefined when nothing is found)
  recall        = |found & truth| / |truth| (undefined when the truth is empty)
  exact         = share of queries whose found set equals the truth exactly
  latency       = wall time of one call, warm (after a full warm-up pass); p50/p95/p99 nearest-rank."""


# --- the report ----------------------------------------------------------------------------------------
def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "-"


def print_table(results: dict[str, Any]) -> None:
    lat = results["latency"]
    idx = results["indexing"]
    rows: list[tuple[str, str, str]] = []

    def add(metric: str, value: str, note: str = "") -> None:
        rows.append((metric, value, note))

    if idx["rebuild"]:
        r = idx["rebuild"]
        add(
            "index_rebuild() total",
            f"{r['docs_per_s']:,} docs/s",
            f"{r['documents']:,} docs in {r['seconds']} s",
        )
    else:
        add("index_rebuild() total", "not run", "the index was up to date; --reindex to time it")
    add(
        "  document building (SQL+jieba+pinyin)",
        f"{idx['build']['docs_per_s']:,} docs/s",
        f"{idx['build']['seconds']} s",
    )
    add(
        "  FTS5 write (insert+triggers+optimize)",
        f"{idx['fts5_write']['docs_per_s']:,} docs/s",
        f"{idx['fts5_write']['seconds']} s",
    )
    add(
        "index size: FTS5 / tantivy",
        f"{idx['index_bytes'] / 2**20:,.0f} / {idx['tantivy_write']['bytes'] / 2**20:,.0f} MiB",
        "the FTS5 file holds the text, the facts and the full-text index",
    )
    add(
        "  tantivy write (same docs, 1 thread)",
        f"{idx['tantivy_write']['docs_per_s']:,} docs/s",
        f"{idx['tantivy_write']['seconds']} s",
    )
    for name, label, target in (
        ("fts5", "search_run() FTS5", TARGETS["search_run_p95_ms"]),
        ("api", "GET /api/v1/search/ (test Client)", TARGETS["api_p95_ms"]),
        ("orm", "naive Django ORM", None),
        ("tantivy", "tantivy", None),
    ):
        if name not in lat:
            add(f"{label} p50/p95/p99", "unavailable", "; ".join(results["api_errors"][:1]))
            continue
        s = lat[name]["all"]
        note = f"target p95 <= {target:g} ms: {'met' if s['p95'] <= target else 'MISSED'}" if target else ""
        if name in ("orm", "tantivy"):
            fts5 = lat["fts5"]["all"]
            note = f"time / FTS5's: p50 {ratio(s['p50'], fts5['p50'])}, p95 {ratio(s['p95'], fts5['p95'])}"
        add(f"{label} p50/p95/p99", f"{s['p50']}/{s['p95']}/{s['p99']} ms", note)
        c = lat[name]["cpu"]
        add("  the same, CPU time of the thread", f"{c['p50']}/{c['p95']}/{c['p99']} ms", "")
    for name in ("fts5", "orm", "tantivy"):
        by_sort = lat[name]["by_sort"]
        add(
            f"  {name} p95 by sort",
            " ".join(f"{k} {v['p95']}" for k, v in by_sort.items()),
            "ms",
        )
    diag = results["diagnostics"]
    add(
        "  FTS5 backend.search() p50/p95",
        f"{diag['backend']['p50']}/{diag['backend']['p95']} ms",
        "no facet labels",
    )
    add("  FTS5 facets=False p50/p95", f"{diag['no_facets']['p50']}/{diag['no_facets']['p95']} ms", "")
    add(
        "  FTS5 highlight=False p50/p95",
        f"{diag['no_highlight']['p50']}/{diag['no_highlight']['p95']} ms",
        "",
    )
    quality = results["quality"]
    for truth in ("token", "literal"):
        for name in ("fts5", "tantivy", "orm"):
            q = quality[truth][name]
            add(
                f"{truth} truth: {name} precision/recall",
                f"{q['precision']}/{q['recall']}",
                f"exact on {q['exact_share']:.1%} of queries" if q["exact_share"] is not None else "",
            )
    s = results["suggest"]["all"]
    add(
        "search_suggest() p50/p95/p99",
        f"{s['p50']}/{s['p95']}/{s['p99']} ms",
        f"target p95 < {TARGETS['suggest_p95_ms']:g} ms: {'met' if s['p95'] < TARGETS['suggest_p95_ms'] else 'MISSED'}",
    )
    m = results["memory"]
    probe = m["search_process"]
    if "peak_mib" in probe:
        add(
            "peak RSS: a process serving the mix",
            f"{probe['peak_mib']:,} MiB",
            f"search_run + API + suggest; {probe['django_loaded_mib']} MiB after django.setup()",
        )
    else:
        add("peak RSS: a process serving the mix", "unavailable", probe.get("error", "")[-80:])
    add(
        "peak RSS (this benchmark process)",
        f"{m['peak_mib']:,} MiB",
        "with the in-memory corpus, tantivy, truths",
    )
    for phase, value in m["phases"].items():
        add(f"  peak RSS: {phase}", f"{value:,} MiB", "")
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    print()
    print("=" * 100)
    env = results["environment"]
    print(
        f"SUMMARY  (corpus: {results['corpus']['documents_indexed']:,} indexed documents; "
        f"{len(lat['fts5']['_times'])} queries; load average before/after "
        f"{env['load_average_before'][0]}/{env['load_average_after'][0]} on {env['cpus']} CPUs)"
    )
    code = results["code"]
    print(
        f"code: HEAD {code['head']}, fts5.py {code['fts5_sha256']}, "
        f"uncommitted in search/: {len(code['search_uncommitted'])} file(s)"
    )
    print("-" * 100)
    for metric, value, note in rows:
        print(f"{metric:<{width[0]}}  {value:>{width[1]}}  {note}")
    print("=" * 100)


def rss_probe(path: Path) -> int:
    """Child process: serve the query mix (search_run, then the API) and the prefixes, then
    print its RSS. The parent holds the corpus, tantivy and the ground truth; this one holds only
    what a web process running search holds."""
    configure()
    from django.test import Client

    from search.services import search_run, search_suggest
    from tests.benchmarks.search_workload import Spec

    data = json.loads(path.read_text())
    specs = [Spec(**{**d, "origin": tuple(d["origin"]) if d["origin"] else None}) for d in data["specs"]]
    baseline = rss()["rss_mib"]
    for spec in specs:
        search_run(query=spec.search_query())
    client = Client(HTTP_ACCEPT="application/json", raise_request_exception=False)
    for spec in specs:
        client.get("/api/v1/search/", spec.api_params())  # a broken URLconf costs a 500, not the probe
    for prefix in data["prefixes"]:
        search_suggest(prefix=prefix)
    print(json.dumps({"django_loaded_mib": baseline, **rss()}))
    return 0


def measure_search_process_rss(specs: Sequence[Any], prefixes: Sequence[str]) -> dict[str, Any]:
    path = BENCH_DIR / "search-mix.json"
    path.write_text(json.dumps({"specs": [dataclasses.asdict(s) for s in specs], "prefixes": list(prefixes)}))
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--rss-probe", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"error": done.stderr.strip()[-500:]}
    return json.loads(lines[-1])


def code_version() -> dict[str, Any]:
    """Which search code was measured: HEAD, and whether search/ differs from it (read-only git)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    fts5 = ROOT / "search" / "backends" / "fts5.py"
    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "search_uncommitted": git("status", "--porcelain", "--", "search").splitlines(),
        "fts5_sha256": hashlib.sha256(fts5.read_bytes()).hexdigest()[:16],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the benchmark database (and index)")
    parser.add_argument("--reindex", action="store_true", help="rebuild (and time) the index even if present")
    parser.add_argument("--queries", type=int, default=200, help="size of the fixed query mix (default 200)")
    parser.add_argument("--prefixes", type=int, default=200, help="suggest prefixes (default 200)")
    parser.add_argument("--rss-probe", type=Path, help=argparse.SUPPRESS)  # internal: the child process
    args = parser.parse_args(argv)
    if args.rss_probe:
        return rss_probe(args.rss_probe)
    lock = _hold_lock()  # noqa: F841 (held until the process exits)
    load_before = os.getloadavg()

    configure()
    started = time.perf_counter()
    code = code_version()  # what this process imports; the lead may commit while it runs
    corpus_info = ensure_corpus(fresh=args.fresh)
    phases: dict[str, int] = {}
    phases["corpus generation"] = rss()["peak_mib"] if corpus_info["generated"] else 0

    from django.test import Client

    from search.documents import indexable_postings, indexable_programs
    from search.services import get_backend, index_stats, search_run
    from tests.benchmarks.search_peers import OrmSearch
    from tests.benchmarks.search_workload import (
        Corpus,
        build_mix,
        build_prefixes,
        doc_from_index_document,
        load_vocabulary,
    )

    expected = indexable_postings().count() + indexable_programs().count()
    present = sum(index_stats()["documents"].values())  # type: ignore[attr-defined]
    if present != expected and not args.reindex:  # missing, stale, or an older layout recreated empty
        log(f"the index holds {present:,} documents, the database {expected:,} indexable: rebuilding")
    rebuild = args.reindex or corpus_info["generated"] or present != expected
    indexing, documents = measure_indexing(rebuild=rebuild)
    if indexing["rebuild"]:
        phases["index_rebuild()"] = indexing["rebuild"]["peak_rss_mib"]
    phases["document build + FTS5 write"] = indexing["build_and_write_peak_rss_mib"]

    corpus = Corpus()
    for document in documents:
        corpus.add(doc_from_index_document(document))
    del documents
    gc.collect()
    gc.freeze()  # the benchmark's own large heap is not the engines' garbage to scan

    engine, indexing["tantivy_write"] = _tantivy_build(corpus)

    vocabulary = load_vocabulary(corpus)
    specs = build_mix(vocabulary, args.queries, corpus)
    prefixes = build_prefixes(vocabulary, args.prefixes)
    orm = OrmSearch(TODAY)
    client = Client(HTTP_ACCEPT="application/json", raise_request_exception=False)
    api_errors: list[str] = []

    def api(spec: Any) -> Any:
        response = client.get("/api/v1/search/", spec.api_params())
        if response.status_code != 200:
            api_errors.append(f"{response.status_code} {spec.api_params()}")
        return response

    engines: dict[str, Callable[[Any], Any]] = {
        "fts5": lambda spec: search_run(query=spec.search_query()),
        "api": api,
        "orm": orm.search,
        "tantivy": engine.search,
    }
    api(specs[0])
    if api_errors:  # e.g. the URLconf does not import: measure the rest, say so
        log(f"the API is unavailable ({api_errors[0]}); measuring the other engines")
        del engines["api"]
    latency = run_latency(engines, specs)
    phases["queries (FTS5 search_run)"] = latency["fts5"]["peak_rss_mib"]
    backend = get_backend()
    diagnostics_runs = run_latency(
        {
            "backend": lambda spec: backend.search(spec.search_query()),
            "no_facets": lambda spec: backend.search(spec.search_query(facets=False)),
            "no_highlight": lambda spec: backend.search(spec.search_query(highlight=False)),
        },
        specs,
        warm_up=False,  # the same queries just ran through search_run: already warm
    )
    diagnostics = {name: run["all"] for name, run in diagnostics_runs.items()}
    took = [r.took_ms for r in diagnostics_runs["backend"]["_results"]]
    diagnostics["backend_took_ms"] = summary(took)

    log("quality: full result sets against the ground truths ...")
    totals = {id(spec): result.total for spec, result in zip(specs, latency["fts5"]["_results"], strict=True)}
    count_mismatch = []

    def fts5_checked(spec: Any) -> set[int]:
        found, total = fts5_ids(spec)
        if len(found) != totals[id(spec)] or total != totals[id(spec)]:
            count_mismatch.append(
                f"{spec.text!r}: {len(found)} ids paged, total {total}, search_run total {totals[id(spec)]}"
            )
        return found

    quality = measure_quality(specs, corpus, {"fts5": fts5_checked, "tantivy": engine.ids, "orm": orm.ids})
    quality["fts5_total_mismatches"] = count_mismatch

    suggest = measure_suggest(prefixes)
    phases["suggest"] = rss()["peak_mib"]

    log("memory: a separate process serving the same queries ...")
    memory = {
        **rss(),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "phases": phases,
        "search_process": measure_search_process_rss(specs, prefixes),
    }
    results: dict[str, Any] = {
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
        "command": "python tests/benchmarks/bench_search.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "environment": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "tantivy": importlib.metadata.version("tantivy"),
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "code": code,
        "corpus": {
            **CORPUS,
            "database": str(DATABASE.relative_to(ROOT)),
            "index": str(INDEX.relative_to(ROOT)),
            "documents_indexed": len(corpus.docs),
            "generated_now": corpus_info,
        },
        "targets": TARGETS,
        "indexing": indexing,
        "latency": latency,
        "ratios": {
            f"{peer}/fts5": {
                p: round(latency[peer]["all"][p] / latency["fts5"]["all"][p], 2)
                for p in ("p50", "p95", "p99")
            }
            for peer in ("orm", "tantivy", "api")
            if peer in latency
        },
        "diagnostics": diagnostics,
        "api_errors": api_errors[:20],
        "quality": quality,
        "suggest": suggest,
        "memory": memory,
        "seconds_total": round(time.perf_counter() - started, 1),
        "definitions": DEFINITIONS,
        "query_mix": [spec_dict(s) for s in specs],
    }

    print_details(specs, results, count_mismatch)
    print_table(results)

    for run in (latency, diagnostics_runs):
        for value in run.values():
            value.pop("_results", None)
            value.pop("_times", None)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print(f"figures written to {RESULTS.relative_to(ROOT)}; total {results['seconds_total']:.0f} s")
    return 0


def _hold_lock() -> Any:
    """Two runs would rebuild the same files at once: the second waits on var/bench/search.lock."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    lock = (BENCH_DIR / "search.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log("another bench_search.py run holds var/bench/search.lock; waiting for it ...")
        fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def _tantivy_build(corpus: Any) -> tuple[Any, dict[str, Any]]:
    from tests.benchmarks.search_peers import TantivySearch

    log("tantivy: indexing the same documents ...")
    engine = TantivySearch(TANTIVY_DIR)
    started_write = time.perf_counter()
    written = engine.build(corpus)
    seconds = time.perf_counter() - started_write
    log(f"  tantivy write: {seconds:.1f} s")
    return engine, {
        "documents": written,
        "seconds": round(seconds, 2),
        "docs_per_s": round(written / seconds),
        "bytes": engine.size_bytes(),
    }


def measure_suggest(prefixes: Sequence[str]) -> dict[str, Any]:
    from search.services import search_suggest

    log(f"suggest: {len(prefixes)} prefixes ...")
    for prefix in prefixes:
        search_suggest(prefix=prefix)
    reset_peak()
    suggest_times, suggest_cpu, suggestions = timed(lambda p: search_suggest(prefix=p), prefixes)
    by_length: dict[str, list[float]] = defaultdict(list)
    for prefix, ms in zip(prefixes, suggest_times, strict=True):
        script = "pinyin" if prefix.isascii() else "chinese"
        by_length[f"{script} {len(prefix)}"].append(ms)
    return {
        "all": summary(suggest_times),
        "cpu": summary(suggest_cpu),
        "by_prefix": {k: summary(v) for k, v in sorted(by_length.items())},
        "slowest": [
            {"prefix": p, "ms": round(ms, 1)}
            for ms, p in sorted(zip(suggest_times, prefixes, strict=True), reverse=True)[:8]
        ],
        "empty": sum(1 for s in suggestions if not s),
    }


def print_details(specs: Sequence[Any], results: dict[str, Any], count_mismatch: list[str]) -> None:
    latency, quality, api_errors = results["latency"], results["quality"], results["api_errors"]
    print()
    print(DEFINITIONS)
    print()
    print(
        "query mix:", dict(sorted(_counts(s.family for s in specs).items())), _counts(s.sort for s in specs)
    )
    print("API:", "django.test.Client GET (WSGI handler + middleware + DRF + JSON render, in-process)")
    if api_errors:
        print(f"API errors: {len(api_errors)}, e.g. {api_errors[:3]}")
    if count_mismatch:
        print(f"FTS5 id set vs search_run total mismatches: {count_mismatch[:5]}")
    for name in latency:
        print(
            f"slowest {name}:",
            [(row["ms"], row["q"], row["sort"], row["division"]) for row in latency[name]["slowest"]],
        )
    print("slowest suggest:", results["suggest"]["slowest"])
    print("token-truth mismatches (lowest recall first):")
    for name, rows in quality["token_mismatches"].items():
        print(f"  {name}: {rows[:5]}")
    print(
        "mean result-set sizes:", quality["mean_result_size"], "empty truths:", quality["empty_truth_queries"]
    )
    print("token truth by query family (queries, empty, median size):", quality["token_truth_by_family"])


def _counts(values: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return dict(counts)


if __name__ == "__main__":
    sys.exit(main())
