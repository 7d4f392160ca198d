"""Run a batch matching in this process: `manage.py run_matching [--kind both] [--county 441881 ...]`.

`--resume RUN_ID` continues a failed, cancelled or crashed run from its cursor;
`--enqueue` hands the run to a Celery worker instead of running it here.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from backend.common.errors import DomainError
from matching.models import MatchingRun
from matching.services import runs
from matching.tasks import execute_run


class Command(BaseCommand):
    help = "Batch matching: store the top job and training suggestions of every worker in scope."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", choices=MatchingRun.Kind.values, default=MatchingRun.Kind.BOTH)
        parser.add_argument("--county", action="append", default=[], help="division code (repeat); none: all")
        parser.add_argument("--resume", type=int, metavar="RUN_ID", help="continue this run from its cursor")
        parser.add_argument("--chunk-size", type=int, default=runs.CHUNK_SIZE)
        parser.add_argument("--enqueue", action="store_true", help="run on a Celery worker")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["resume"]:
                run = MatchingRun.objects.filter(pk=options["resume"]).first()
                if run is None:
                    raise CommandError(f"no run {options['resume']}")
                run = runs.matching_run_reopen(run=run)
            else:
                run = runs.matching_run_create(kind=options["kind"], county_codes=options["county"] or None)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.fields or ''}") from exc
        if options["enqueue"]:
            execute_run.delay(run.pk)
            self.stdout.write(f"run {run.pk} enqueued")
            return
        result = runs.matching_run_execute(run_id=run.pk, chunk_size=options["chunk_size"])
        if result is None:
            raise CommandError(f"run {run.pk} is being run elsewhere")
        fields = ("id", "status", "total_workers", "processed_workers", "suggestions_created",
                  "suggestions_updated", "suggestions_withdrawn", "catalogue_version", "error")  # fmt: skip
        report = {f: getattr(result, f) for f in fields}
        report["model_version"] = result.model_version.name if result.model_version else None
        self.stdout.write(json.dumps(report, ensure_ascii=False))
        if result.status == MatchingRun.Status.FAILED:
            raise CommandError(result.error)
