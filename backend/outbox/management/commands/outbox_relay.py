"""Relay the outbox once (or every few seconds with --loop): for a set-up without Celery beat,
e.g. the embedded default from cron, or an operator emptying a backlog by hand."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.outbox.selectors import outbox_backlog
from backend.outbox.services import outbox_relay


class Command(BaseCommand):
    help = "Send the due outbox messages to Celery (eager: run them) and report the backlog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="repeat every this many seconds")

    def handle(self, *args: Any, loop: float = 0, **options: Any) -> None:
        while True:
            report = outbox_relay()
            backlog = outbox_backlog()
            self.stdout.write(
                f"sent {report.sent}, failed {report.failed}; unsent {backlog.unsent}, "
                f"oldest {backlog.oldest_age_seconds:.0f} s"
            )
            if not loop:
                return
            time.sleep(loop)
