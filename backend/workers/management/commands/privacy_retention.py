"""`manage.py privacy_retention [--dry-run]`: what the daily task does, on demand."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from backend.workers import privacy


class Command(BaseCommand):
    help = "Anonymise worker profiles inactive for PRIVACY_RETENTION_DAYS (prints only the count)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        count = privacy.workers_retention_run(dry_run=options["dry_run"])
        days = settings.PRIVACY_RETENTION_DAYS
        if options["dry_run"]:
            self.stdout.write(f"{count} worker profiles inactive for {days} days (dry run, nothing changed)")
        else:
            self.stdout.write(f"anonymised {count} worker profiles inactive for {days} days")
