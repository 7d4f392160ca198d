"""Consent as records: one "migrated" record per purpose for every existing profile, from the
booleans it had. Personalised recommendations (new) follow the consent to data processing: the
wizard's wording was "处理我的个人信息,用于推荐岗位和培训", and without it nothing is recommended."""

from django.db import migrations
from django.utils import timezone

MIRRORS = {
    "data_processing": "consent_data_processing",
    "share_with_employers": "consent_share_with_employers",
    "contact": "consent_contact",
    "personalised_recommendations": "consent_personalised_recommendations",
}
BATCH = 2000


def records_from_booleans(apps, schema_editor):
    """Idempotent: profiles that already have a record are left alone."""
    WorkerProfile = apps.get_model("workers", "WorkerProfile")
    ConsentRecord = apps.get_model("workers", "ConsentRecord")
    now = timezone.now()
    todo = WorkerProfile.objects.filter(consent_records__isnull=True).order_by("pk")
    todo.filter(consent_data_processing=False).update(consent_personalised_recommendations=False)
    last = 0
    while True:
        rows = list(todo.filter(pk__gt=last).values("pk", *MIRRORS.values())[:BATCH])
        if not rows:
            break
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                worker_id=row["pk"], purpose=purpose, given=row[field], policy_version="",
                channel="migrated", at=now,
            )
            for row in rows
            for purpose, field in MIRRORS.items()
        )
        last = rows[-1]["pk"]


class Migration(migrations.Migration):
    dependencies = [("workers", "0002_consent_records_and_deletion_requests")]

    operations = [migrations.RunPython(records_from_booleans, migrations.RunPython.noop)]
