"""`manage.py setup_demo`: what `make run` calls. Reference data if missing, demo data once, and
always the table of demo logins."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from backend.demo.logins import accounts_table
from backend.demo.services import demo_exists
from backend.occupations.models import Occupation
from backend.regions.models import Division
from search.services import index_is_empty


class Command(BaseCommand):
    help = "Load divisions and the taxonomy if their tables are empty, seed the demo data once, print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="1", help="passed to seed_demo when it runs")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if not Division.objects.exists():
            self.stdout.write("Loading divisions ...")
            call_command("load_divisions", stdout=self.stdout, stderr=self.stderr)
        if not Occupation.objects.exists():
            self.stdout.write("Loading the occupation taxonomy ...")
            call_command("load_taxonomy", stdout=self.stdout, stderr=self.stderr)
        seeded = False
        if demo_exists():
            self.stdout.write("Demo data is already loaded (`manage.py seed_demo --reset` rebuilds it).")
        else:
            call_command(
                "seed_demo", "--scale", str(options["scale"]), stdout=self.stdout, stderr=self.stderr
            )
            seeded = True
        # Seeding writes in bulk (no index sync), so the search index is built from scratch here;
        # an index that exists is repaired rather than rebuilt.
        if seeded or index_is_empty():
            self.stdout.write("Building the search index ...")
            call_command("search_index", "rebuild", stdout=self.stdout, stderr=self.stderr)
        else:
            call_command("search_index", "reconcile", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write("\nDemo accounts 演示账号:\n" + accounts_table() + "\n")
