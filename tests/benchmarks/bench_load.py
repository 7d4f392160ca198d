"""Mixed reads and writes from 50 concurrent clients against gunicorn (2 sync workers) on the embedded
default (SQLite in WAL mode, the database cache, FTS5), with the demo data. On demand only:

    .venv/bin/python tests/benchmarks/bench_load.py [--fresh] [--seconds 300] [--clients 50] [--pause 1.0]

The mix (the one issue 17 measured): 30% /search/?q=…, 20% /api/v1/search/?q=…, 20% /jobs/<id>/,
15% /api/v1/postings/?page_size=20&page=N, 10% /, 5% PATCH /api/v1/programs/<id>/ by the demo
provider's staff (token). Each client waits `--pause` seconds on average (uniform 0.5–1.5×) between
requests, like people on phones; `--pause 0` saturates the server.

First a baseline in the same run: one client alone, 30 requests per endpoint after a warm-up. Then the load. Prints
per endpoint: requests, 2xx/4xx/5xx, p50/p95/p99 and the p95 ratio to the lone client, and the
whole-run requests per second; exits 1 if any response was a server error (5xx) or a connection
failed. The load generator shares the machine with the server (2 cores here).

Data lives in var/bench/load.sqlite3 and var/bench/load-search.sqlite3, never the developer's
var/skillbridge.sqlite3; the first run (or --fresh) migrates, seeds the demo data and collects static.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
DATABASE = BENCH_DIR / "load.sqlite3"
INDEX = BENCH_DIR / "load-search.sqlite3"
SERVER_LOG = BENCH_DIR / "load-gunicorn.log"
HOST, PORT = "127.0.0.1", 8765

WORDS = ("电焊", "普工", "月嫂", "厨师", "家政", "叉车", "电工", "英德 普工", "jiazheng", "快递分拣", "包装")
WEIGHTS = {
    "search_page": 30,
    "api_search": 20,
    "job_page": 20,
    "api_postings": 15,
    "home": 10,
    "patch_program": 5,
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Targets:
    postings: list[int]
    programs: list[int]
    token: str
    pages: int


def configure() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["SEARCH_FTS5_PATH"] = str(INDEX)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.load_settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


def prepare(fresh: bool) -> None:
    from django.core.management import call_command

    if fresh:
        for path in BENCH_DIR.glob("load*.sqlite3*"):
            path.unlink()
    seeded = DATABASE.exists()
    call_command("migrate", verbosity=0)
    if not seeded:
        call_command("setup_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--no-input", verbosity=0)


def targets() -> Targets:
    from backend.accounts.models import User
    from backend.accounts.services import api_token_create
    from backend.jobs.models import Posting
    from training.models import Program

    postings = list(Posting.objects.filter(status="published").values_list("id", flat=True)[:2000])
    staff = User.objects.filter(role="provider_staff", is_active=True).order_by("id").first()
    if staff is None or not postings:
        raise SystemExit("the demo data has no provider staff or published postings")
    programs = list(Program.objects.filter(provider=staff.provider_id).values_list("id", flat=True))
    _row, token = api_token_create(user=staff, name="bench_load")
    pages = max(1, min(50, Posting.objects.filter(status="published").count() // 20))
    return Targets(postings=postings, programs=programs, token=token, pages=pages)


def make_request(kind: str, t: Targets, rng: random.Random, counter: int) -> Request:
    word = rng.choice(WORDS)
    if kind == "search_page":
        return Request("GET", "/search/?" + urlencode({"q": word}))
    if kind == "api_search":
        return Request("GET", "/api/v1/search/?" + urlencode({"q": word}))
    if kind == "job_page":
        return Request("GET", f"/jobs/{rng.choice(t.postings)}/")
    if kind == "api_postings":
        return Request("GET", f"/api/v1/postings/?page_size=20&page={rng.randint(1, t.pages)}")
    if kind == "home":
        return Request("GET", "/")
    body = json.dumps({"description": f"课程介绍(负载测试第 {counter} 次更新)。"}).encode()
    headers = (("Authorization", f"Token {t.token}"), ("Content-Type", "application/json"))
    return Request("PATCH", f"/api/v1/programs/{rng.choice(t.programs)}/", body, headers)


def send(request: Request) -> tuple[int, float]:
    """(status, milliseconds); status 0 when the connection failed."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    try:
        headers = {"Accept-Encoding": "gzip", "Connection": "close", **dict(request.headers)}
        connection.request(request.method, request.path, body=request.body, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, (time.perf_counter() - began) * 1000


def start_server(workers: int) -> subprocess.Popen[bytes]:
    log = SERVER_LOG.open("wb")
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "backend.wsgi:application",
        "--workers", str(workers), "--bind", f"{HOST}:{PORT}", "--timeout", "120",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if send(Request("GET", "/"))[0] == 200:
            return server
        time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on {HOST}:{PORT}; see {SERVER_LOG}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def baseline(t: Targets) -> dict[str, list[float]]:
    """One client alone, after a warm-up that loads both workers' dictionaries and templates."""
    rng = random.Random(1)
    for kind in WEIGHTS:
        for i in range(10):
            send(make_request(kind, t, rng, i))
    times: dict[str, list[float]] = defaultdict(list)
    for kind in WEIGHTS:
        for i in range(30):
            status, ms = send(make_request(kind, t, rng, i))
            if not 0 < status < 500:
                raise SystemExit(f"{kind} answered {status} to one client alone; see {SERVER_LOG}")
            times[kind].append(ms)
    return times


def load(t: Targets, *, clients: int, seconds: float, pause: float) -> list[tuple[str, int, float]]:
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())

    def client(number: int) -> None:
        rng = random.Random(number)
        mine: list[tuple[str, int, float]] = []
        time.sleep(rng.uniform(0, max(pause, 0.05)))  # do not all start in the same millisecond
        count = 0
        while time.monotonic() < stop_at:
            kind = rng.choices(kinds, weights)[0]
            status, ms = send(make_request(kind, t, rng, number * 100_000 + count))
            mine.append((kind, status, ms))
            count += 1
            if pause:
                time.sleep(pause * rng.uniform(0.5, 1.5))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def report(base: dict[str, list[float]], results: list[tuple[str, int, float]], seconds: float) -> int:
    print(
        f"\n{'endpoint':<14} {'n':>6} {'2xx':>6} {'4xx':>5} {'5xx':>4} {'fail':>4} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'alone p95':>9} {'×':>5}"
    )
    server_errors = failures = 0
    for kind in WEIGHTS:
        rows = [(status, ms) for k, status, ms in results if k == kind]
        ok = [ms for status, ms in rows if status]
        by_class = defaultdict(int)
        for status, _ in rows:
            by_class[status // 100] += 1
        server_errors += by_class[5]
        failures += by_class[0]
        alone = percentile(base[kind], 95)
        p95 = percentile(ok, 95)
        print(
            f"{kind:<14} {len(rows):>6} {by_class[2]:>6} {by_class[4]:>5} {by_class[5]:>4} {by_class[0]:>4} "
            f"{percentile(ok, 50):>7.1f} {p95:>7.1f} {percentile(ok, 99):>7.1f} {alone:>9.1f} {p95 / alone:>5.1f}"
        )
    every = [ms for _, status, ms in results if status]
    print(
        f"{'all':<14} {len(results):>6} {'':>6} {'':>5} {server_errors:>4} {failures:>4} "
        f"{percentile(every, 50):>7.1f} {percentile(every, 95):>7.1f} {percentile(every, 99):>7.1f}"
    )
    print(f"\n{len(results) / seconds:.1f} requests/s over {seconds:.0f} s; server errors: {server_errors}")
    return 1 if server_errors or failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="re-create the database and index")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pause", type=float, default=1.0, help="mean think time between requests (s)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()
    configure()
    prepare(args.fresh)
    t = targets()
    print(f"{len(t.postings)} published postings, {len(t.programs)} programs of the demo provider")
    server = start_server(args.workers)
    try:
        base = baseline(t)
        print(
            f"load: {args.clients} clients, {args.seconds:.0f} s, pause {args.pause} s, {args.workers} workers"
        )
        began = time.monotonic()
        results = load(t, clients=args.clients, seconds=args.seconds, pause=args.pause)
        status = report(base, results, time.monotonic() - began)
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = [line for line in SERVER_LOG.read_text(errors="replace").splitlines() if "Error" in line]
    if errors:
        print(f"\n{len(errors)} error lines in {SERVER_LOG.relative_to(ROOT)}, first: {errors[0][:200]}")
    sys.exit(status)


if __name__ == "__main__":
    main()
