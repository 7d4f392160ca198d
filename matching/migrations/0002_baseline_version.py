"""The transparent baseline ranker is the first version, active until a learned one beats it."""

from django.db import migrations
from django.utils import timezone


def create_baseline(apps, schema_editor):
    ModelVersion = apps.get_model("matching", "ModelVersion")
    has_active = ModelVersion.objects.filter(is_active=True).exists()
    ModelVersion.objects.get_or_create(
        name="baseline-1",  # matching.core.rankers.BASELINE_VERSION when this was written
        defaults={
            "kind": "baseline",
            "is_active": not has_active,
            "activated_at": None if has_active else timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [migrations.RunPython(create_baseline, migrations.RunPython.noop)]
