"""Key rotation on a demo data set: every worker page answers 200 before, during and after
`rotate_field_key`, and once the old key is removed; the ID-number lookup finds the same workers.

Runs in both CI passes (SQLite, then PostgreSQL, where the batches take row locks).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from backend.accounts.models import User
from backend.common import crypto
from backend.demo.generator import DemoSizes
from backend.demo.services import demo_seed
from backend.workers.models import WorkerProfile
from backend.workers.policies import workers_visible_to
from backend.workers.selectors import worker_by_identity
from training.models import Enrolment

pytestmark = pytest.mark.django_db

OLD = "the-key-the-demo-was-encrypted-with-0123456789"
NEW = "the-key-that-replaces-it-0123456789abcdefghijk"
SIZES = DemoSizes.for_scale(1, programs=12, postings=40, workers=100)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def demo(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    demo_seed(seed=5, sizes=SIZES, today=dt.date(2024, 3, 15))
    staff = User.objects.get(username="staff")
    seen = workers_visible_to(staff, WorkerProfile.objects.exclude(id_number_encrypted="")).order_by("pk")
    sample = list(seen[:3]) + list(WorkerProfile.objects.exclude(id_number_encrypted="").order_by("-pk")[:3])
    assert seen.exists(), "the staff login should see some workers"
    own = WorkerProfile.objects.get(user__username="worker")
    enrolment = Enrolment.objects.filter(session__program__provider__staff__username="provider").first()
    assert enrolment is not None
    return {
        "numbers": {w.pk: w.reveal_id_number() for w in [*sample, own]},
        "masked": {w.pk: w.id_number_masked for w in [*sample, own]},
        "staff_sees": [w.pk for w in seen[:3]],
        "own": own.pk,
        "roster": f"/provider/programs/{enrolment.session.program_id}/sessions/{enrolment.session_id}/enrolments/",
    }


def _pages(demo) -> dict[str, list[str]]:
    own = demo["own"]
    return {
        "worker": [
            "/me/profile/", "/me/privacy/", "/me/privacy/export.json", "/me/privacy/export.xlsx",
            f"/api/v1/workers/{own}/", f"/api/v1/workers/{own}/export/", "/api/v1/workers/",
            "/me/recommendations/", "/me/activity/",
        ],
        "staff": [
            "/api/v1/workers/", *(f"/api/v1/workers/{pk}/" for pk in demo["staff_sees"]),
            "/staff/deletion-requests/", "/staff/dashboard/", "/staff/review/", "/api/v1/applications/",
        ],
        "admin": ["/api/v1/workers/", *(f"/api/v1/workers/{pk}/" for pk in demo["numbers"])],
        "provider": [demo["roster"], "/api/v1/enrolments/"],
        "employer": ["/manage/postings/", "/api/v1/applications/"],
    }  # fmt: skip


def _every_page_answers_200(demo) -> dict[int, str]:
    """Every page once per role; returns the ID numbers the detail pages showed, by worker."""
    shown: dict[int, str] = {}
    for username, urls in _pages(demo).items():
        client = _client(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, f"{username} {url}: {response.status_code}"
            if url.startswith("/api/v1/workers/") and url.count("/") == 5:
                shown[response.json()["id"]] = response.json()["id_number"]
    return shown


def _lookup(demo) -> dict[int, int | None]:
    staff = User.objects.get(username="staff")
    found = {}
    for pk in demo["staff_sees"]:
        worker = worker_by_identity(user=staff, text=demo["numbers"][pk])
        found[pk] = worker.pk if worker else None
    return found


def test_rotating_the_field_encryption_key_keeps_every_worker_page_working(demo, settings):
    # Before: one key.
    assert _every_page_answers_200(demo) == demo["numbers"]
    assert _lookup(demo) == {pk: pk for pk in demo["staff_sees"]}

    # During: a new key first, every row still under the old one, and one edited under the new.
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    edited = WorkerProfile.objects.get(pk=demo["own"])
    edited.set_id_number(demo["numbers"][edited.pk])
    edited.save(update_fields=["id_number_encrypted", "id_number_hash", "id_number_masked"])
    assert crypto.is_under_newest_key(edited.id_number_encrypted)
    assert _every_page_answers_200(demo) == demo["numbers"]

    # The old key removed too early: pages still answer, with the masked copies.
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    shown = _every_page_answers_200(demo)
    assert shown == {pk: demo["numbers"][pk] if pk == edited.pk else demo["masked"][pk] for pk in shown}

    # Rotation, with both keys configured.
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = io.StringIO()
    call_command("rotate_field_key", "--batch-size", "17", stdout=out)
    total = WorkerProfile.objects.exclude(id_number_encrypted="").count()
    assert f"{total} scanned, {total - 1} re-encrypted, 1 skipped" in out.getvalue()
    assert _every_page_answers_200(demo) == demo["numbers"]

    # After: the old key removed, every number still whole, the lookup unchanged.
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert _every_page_answers_200(demo) == demo["numbers"]
    assert _lookup(demo) == {pk: pk for pk in demo["staff_sees"]}
    assert all(
        crypto.is_under_newest_key(t)
        for t in WorkerProfile.objects.values_list("id_number_encrypted", flat=True)
        if t
    )
