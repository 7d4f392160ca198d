from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backend.occupations.loader import DEFAULT_PATH, load_taxonomy


class Command(BaseCommand):
    help = "Load the curated occupation/skill/certificate taxonomy (upsert by slug; nothing is deleted)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help=f"YAML file (default: {DEFAULT_PATH})")

    def handle(self, *args, **options):
        try:
            counts = load_taxonomy(options["path"])
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            self.stdout.write(
                f"taxonomy: {counts['occupations']} occupations, {counts['skills']} skills, "
                f"{counts['certificate_types']} certificate types, {counts['synonyms']} synonyms "
                f"({counts['created']} rows created, {counts['updated']} updated)"
            )
