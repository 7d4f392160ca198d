"""`manage.py rotate_field_key [--batch-size N] [--dry-run]`: move every encrypted value to the
newest field key (the first of FIELD_ENCRYPTION_KEYS). Safe to interrupt and run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.common.key_rotation import RotationCounts, field_key_rotate


def _line(counts: RotationCounts) -> str:
    return (
        f"{counts.column}: {counts.scanned} scanned, {counts.reencrypted} re-encrypted, "
        f"{counts.skipped} skipped (already under the newest key), {counts.failed} failed, "
        f"{counts.seconds:.1f} s, {counts.rows_per_second:.0f} rows/s"
    )


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the first of FIELD_ENCRYPTION_KEYS, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
        parser.add_argument("--dry-run", action="store_true", help="count what would change, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        dry_run = options["dry_run"]
        progress = options["verbosity"] >= 2

        def on_batch(counts: RotationCounts) -> None:
            if progress:
                self.stdout.write(_line(counts))

        results = field_key_rotate(batch_size=options["batch_size"], dry_run=dry_run, on_batch=on_batch)
        for counts in results:
            self.stdout.write(_line(counts) + (" (dry run: nothing written)" if dry_run else ""))
        failed = [c for c in results if c.failed]
        if failed:
            pks = "; ".join(f"{c.column} pk {', '.join(map(str, c.failed_pks))}" for c in failed)
            raise CommandError(
                f"{sum(c.failed for c in failed)} values open under no configured key ({pks}): put the key "
                "that encrypted them back into FIELD_ENCRYPTION_KEYS and run again"
            )
