import json
import time

from django.core.management.base import BaseCommand, CommandError

from search import services


class Command(BaseCommand):
    help = "Search index: rebuild (fresh index, swapped in), reconcile (report/repair drift), stats."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "reconcile", "stats"])
        parser.add_argument("--dry-run", action="store_true", help="reconcile: report only, repair nothing")

    def handle(self, *args, action, dry_run=False, **options):
        started = time.perf_counter()
        if action == "rebuild":
            counts = services.index_rebuild()
            seconds = time.perf_counter() - started
            total = sum(counts.values())
            per_kind = ", ".join(f"{kind}: {count}" for kind, count in counts.items())
            self.stdout.write(
                f"rebuilt {total} documents ({per_kind}) in {seconds:.1f}s, {total / max(seconds, 1e-9):.0f} docs/s"
            )
        elif action == "reconcile":
            report = services.index_reconcile(repair=not dry_run)
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            drift = sum(r["missing"] + r["extra"] + r["stale"] for r in report.values())
            self.stdout.write(
                ("drift found" if drift else "no drift") + ("" if dry_run or not drift else ", repaired")
            )
            if dry_run and drift:
                raise CommandError("the index has drifted from the database")
        else:
            self.stdout.write(json.dumps(services.index_stats(), ensure_ascii=False, indent=2, default=str))
