"""`manage.py explain_worker ID [--kind job|training] [-k 10]`: a worker's profile and top items
with reasons and distances, to read recommendations as a counsellor would."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from backend.workers.models import WorkerProfile
from matching.core.types import KINDS, Kind
from matching.reports import profile_lines, recommendation_lines


class Command(BaseCommand):
    help = "Print a worker's profile and their top recommendations with reasons and distances."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("worker", help="the worker's id or external id")
        parser.add_argument("--kind", choices=("job", "training", "both"), default="both")
        parser.add_argument("-k", type=int, default=10, help="how many items (default 10)")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["worker"]
        query = {"pk": int(key)} if key.isdigit() else {"external_id": key}
        worker = WorkerProfile.objects.filter(**query).first()
        if worker is None:
            raise CommandError(f"no worker {key!r}")
        kinds: tuple[Kind, ...] = KINDS if options["kind"] == "both" else (options["kind"],)
        lines = profile_lines(worker)
        for kind in kinds:
            lines += ["", *recommendation_lines(worker, kind=kind, k=options["k"])]
        self.stdout.write("\n".join(lines))
