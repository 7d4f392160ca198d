"""The database cache's table (the shared cache when no Redis is configured: settings.base
CACHES), created by `migrate` so the embedded default needs no extra command. Made whatever the
cache setting is now, so a later switch from Redis to the database finds it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", "skillbridge_cache", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
