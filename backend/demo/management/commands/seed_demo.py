"""`manage.py seed_demo [--scale N] [--seed S] [--reset]`: write the deterministic demo data set."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError

from backend.demo.generator import BASE_POSTINGS, BASE_PROGRAMS, BASE_WORKERS, DEFAULT_SEED, DemoSizes
from backend.demo.logins import accounts_table
from backend.demo.services import demo_delete, demo_digest, demo_exists, demo_seed


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Write demo providers, programs, sessions, employers, postings, workers and one login per role. "
        f"--scale 1 gives {BASE_PROGRAMS} programs, {BASE_POSTINGS} postings and {BASE_WORKERS} workers; "
        "--scale 40 gives 200,000 postings and 100,000 workers. The same --seed gives the same rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=_positive_float, default=1.0, help="size multiplier (fractions allowed)"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument("--programs", type=int, help="number of programs (overrides --scale)")
        parser.add_argument("--postings", type=int, help="number of postings (overrides --scale)")
        parser.add_argument("--workers", type=int, help="number of workers (overrides --scale)")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="date the data is built around (YYYY-MM-DD; default today): pin it to compare runs on different days",
        )
        parser.add_argument("--reset", action="store_true", help="delete existing demo data first")
        parser.add_argument(
            "--digest", action="store_true", help="print a SHA-256 fingerprint of the demo rows"
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if demo_exists():
            if not options["reset"]:
                raise CommandError("Demo data is already in this database; run with --reset to replace it.")
            begun = time.perf_counter()
            try:
                deleted = demo_delete()
            except ProtectedError as error:
                raise CommandError(
                    f"Cannot delete the demo data: other rows still refer to it ({error})."
                ) from error
            total = sum(deleted.values())
            self.stdout.write(f"Deleted {total:,} demo rows in {time.perf_counter() - begun:.1f}s.")
        for option in ("programs", "postings", "workers"):
            if options[option] is not None and options[option] < 1:
                raise CommandError(f"--{option} must be at least 1.")
        sizes = DemoSizes.for_scale(
            options["scale"],
            programs=options["programs"],
            postings=options["postings"],
            workers=options["workers"],
        )
        verbose = options["verbosity"] > 1
        self.stdout.write(
            f"Seeding demo data (seed {options['seed']}): {sizes.programs:,} programs, "
            f"{sizes.postings:,} postings, {sizes.workers:,} workers ..."
        )
        try:
            seeder = demo_seed(
                seed=options["seed"],
                sizes=sizes,
                today=options["today"],
                log=self.stdout.write if verbose else None,
            )
        except LookupError as error:
            raise CommandError(str(error)) from error
        width = max(len(name) for name in seeder.counts)
        for name, count in seeder.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>10,}")
        stages = ", ".join(
            f"{name} {seconds:.1f}s" for name, seconds in seeder.timings.items() if name != "total"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data written in {seeder.timings['total']:.1f}s") + f" ({stages})."
        )
        if options["digest"]:
            self.stdout.write(f"digest: {demo_digest()}")
        if verbose:
            self.stdout.write("\n" + accounts_table())
