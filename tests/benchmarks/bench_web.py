"""Server time of the search page (/search/) on the demo data set. On demand only (pytest collects
test_*.py, not bench_*.py); prints p50/p95 per query group and overall, never asserts on time.

    .venv/bin/python tests/benchmarks/bench_web.py [--fresh] [--rounds 5]

The demo data lives in its own database and index, never the developer's var/skillbridge.sqlite3:
var/bench/web.sqlite3 and var/bench/web-search.sqlite3. The first run (or --fresh) migrates,
loads divisions and the taxonomy, seeds the demo data (`setup_demo`, what `make run` loads),
builds the index and collects static files (as `make run` does). Then every query of a fixed mix (text, facets, paging, distance from the demo
worker's county) is requested through django.test.Client (full middleware stack, template
rendering, gzip), anonymously and as the demo worker, after one warm-up pass. Target: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
DATABASE = BENCH_DIR / "web.sqlite3"
INDEX = BENCH_DIR / "web-search.sqlite3"
TARGET_P95_MS = 100.0

QUERIES: dict[str, list[dict[str, str]]] = {
    "text": [{"q": q} for q in ("电焊", "普工", "月嫂", "厨师", "家政", "叉车", "jiazheng", "英德 普工 包吃住")],
    "tabs": [
        {"q": "普工", "kind": "job"}, {"q": "培训", "kind": "training"}, {"kind": "job"}, {"kind": "training"},
    ],
    "facets": [
        {"q": "普工", "kind": "job", "lodging": "true", "meals": "true"},
        {"kind": "job", "wage_floor": "6000", "social_insurance": "true"},
        {"kind": "training", "brand": "yuecai", "free": "true"},
        {"kind": "training", "delivery": "online"},
        {"q": "电工", "division": "441800"},
        {"kind": "training", "start_from": "2026-01-01", "start_to": "2026-12-31"},
    ],
    "paging": [{"q": "工", "page": "2"}, {"kind": "job", "page": "5"}, {"sort": "newest", "page": "3"}],
    "sort": [{"q": "普工", "sort": "wage"}, {"kind": "training", "sort": "newest"}],
    "invalid": [{"wage_floor": "abc"}, {"sort": "distance"}, {"division": "44"}],
}  # fmt: skip
NEAR = [
    {"q": "普工", "sort": "distance"},
    {"kind": "job", "radius_km": "50"},
    {"q": "家政", "radius_km": "100"},
]


def configure() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["SEARCH_FTS5_PATH"] = str(INDEX)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.search_settings"  # DEBUG off, fts5
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the mix has deliberate 400s


def prepare(fresh: bool) -> None:
    from django.core.management import call_command

    if fresh:
        for path in (DATABASE, INDEX):
            path.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("setup_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # Production static storage (hashed names from a manifest), as `make run` collects it.
    call_command("collectstatic", "--no-input", verbosity=0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="re-create the database and index")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query mix")
    args = parser.parse_args()
    configure()
    started = time.perf_counter()
    prepare(args.fresh)
    print(f"demo data ready in {time.perf_counter() - started:.1f}s ({DATABASE.relative_to(ROOT)})")

    from django.test import Client

    from backend.demo.logins import ACCOUNTS_BY_ROLE
    from backend.jobs.models import Posting
    from backend.web.public.selectors import worker_home_county
    from training.models import Program

    worker_account = ACCOUNTS_BY_ROLE["worker"]
    anonymous, worker = Client(), Client()
    assert worker.login(username=worker_account.username, password=worker_account.password)
    home = worker_home_county(user=_user(worker_account.username))
    near = [{**q, "near": home.code} for q in NEAR] if home else []
    print(f"{Posting.objects.count()} postings, {Program.objects.count()} programs; worker county: {home}")

    mix = [(group, params) for group, items in QUERIES.items() for params in items]
    mix += [("near", params) for params in near]
    for client in (anonymous, worker):  # warm-up: templates, jieba, SQLite page cache
        for _, params in mix:
            client.get("/search/", params)
    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for label, client in (("anonymous", anonymous), ("worker", worker)):
            for group, params in mix:
                began = time.perf_counter()
                response = client.get("/search/", params, HTTP_ACCEPT_ENCODING="gzip")
                elapsed = (time.perf_counter() - began) * 1000
                assert response.status_code in (200, 400), (params, response.status_code)
                times.setdefault(group, []).append(elapsed)
                times.setdefault(label, []).append(elapsed)
                times.setdefault("all", []).append(elapsed)
    print(f"\n{'group':<10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for group, values in times.items():
        print(
            f"{group:<10} {len(values):>5} {percentile(values, 50):>8.1f} {percentile(values, 95):>8.1f} "
            f"{max(values):>8.1f}"
        )
    p95 = percentile(times["all"], 95)
    print(
        f"\nsearch page p95 {p95:.1f} ms (target < {TARGET_P95_MS:.0f} ms): {'ok' if p95 < TARGET_P95_MS else 'OVER'}"
    )


def _user(username: str):  # type: ignore[no-untyped-def]
    from backend.accounts.models import User

    return User.objects.get(username=username)


if __name__ == "__main__":
    main()
