"""UPDATE and DELETE on the audit tables are refused by triggers (backend/audit/triggers.py).

One RunPython for both vendors, so the SQL lives in one place: the same function also runs after
every migrate (post_migrate), which gives a database built without migrations the triggers too.
"""

from django.db import migrations


def install(apps, schema_editor):
    from backend.audit import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from backend.audit import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_entry")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
