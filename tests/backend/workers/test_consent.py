"""Consent as records: every writer goes through the consent service; the booleans mirror the latest
record of each purpose; the data migration turns the old booleans into records."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.common.errors import PermissionDenied, ValidationFailed
from backend.imports.services import import_file
from backend.workers import consent
from backend.workers.models import ConsentRecord, WorkerProfile
from backend.workers.services import worker_register, worker_update
from tests import factories as f
from tests.backend.imports.helpers import WORKER_HEADERS, worker_row, write_table

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("backend.workers.migrations.0003_consent_records_from_booleans")


def assert_in_step(worker: WorkerProfile) -> None:
    worker.refresh_from_db()
    mirrors = {purpose: getattr(worker, field) for purpose, field in consent.MIRRORS.items()}
    assert consent.consent_state(worker=worker) == mirrors


@pytest.fixture
def staff():
    return f.UserFactory(
        role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=["441881"])
    )


def _data(**extra):
    return {"name": "李四", "mobile": "13912345678", "current_division": f.division(), **extra}


def test_registration_records_every_purpose_once_with_channel_version_and_recorder(staff, settings):
    settings.PRIVACY_POLICY_VERSION = "2030-07"
    worker = worker_register(actor=staff, data=_data(consent_data_processing=True, consent_contact=True))
    records = {r.purpose: r for r in worker.consent_records.all()}
    assert {p: r.given for p, r in records.items()} == {
        "data_processing": True,
        "share_with_employers": False,
        "contact": True,
        "personalised_recommendations": True,  # on until refused (PIPL Art. 24 opt-out)
    }
    assert {(r.channel, r.policy_version, r.recorded_by_id) for r in records.values()} == {
        ("window", "2030-07", staff.pk)
    }
    assert_in_step(worker)


def test_registration_without_consent_to_processing_is_refused_and_records_nothing(staff):
    with pytest.raises(ValidationFailed) as caught:
        worker_register(actor=staff, data=_data(consent_data_processing=False))
    assert caught.value.fields["consent_data_processing"][0]["code"] == "consent_required"
    assert not ConsentRecord.objects.exists()


def test_update_appends_only_changes_and_the_latest_record_wins(staff):
    worker = worker_register(actor=staff, data=_data(consent_data_processing=True))
    before = worker.consent_records.count()
    worker_update(
        actor=staff, worker=worker, data={"consent_share_with_employers": True, "consent_contact": False}
    )
    assert worker.consent_records.count() == before + 1  # contact was already off
    consent.consent_set(actor=staff, worker=worker, purpose="share_with_employers", given=False)
    consent.consent_set(actor=staff, worker=worker, purpose="share_with_employers", given=False)  # no-op
    assert worker.consent_records.filter(purpose="share_with_employers").count() == 3
    assert_in_step(worker)
    assert worker.consent_share_with_employers is False


def test_only_those_who_manage_the_profile_change_consent(staff):
    worker = f.WorkerProfileFactory(current_division=f.division("440281"))  # outside staff's county
    with pytest.raises(PermissionDenied):
        consent.consent_set(actor=staff, worker=worker, purpose="contact", given=True)
    employer = f.UserFactory(role=User.Role.EMPLOYER_STAFF, employer=f.EmployerFactory())
    with pytest.raises(PermissionDenied):
        consent.consent_set(actor=employer, worker=worker, purpose="contact", given=True)
    assert not worker.consent_records.exists()


def test_the_api_records_with_channel_api_and_rejects_unknown_purposes():
    user = f.UserFactory(role=User.Role.WORKER)
    client = APIClient()
    client.force_authenticate(user)
    body = {"name": "王五", "mobile": "13912345679", "current_division": "441881", "consent_data_processing": True,
            "consent_personalised_recommendations": False}  # fmt: skip
    response = client.post("/api/v1/workers/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["consent_personalised_recommendations"] is False
    worker = WorkerProfile.objects.get(user=user)
    assert set(worker.consent_records.values_list("channel", flat=True)) == {"api"}
    response = client.post(
        f"/api/v1/workers/{worker.pk}/consents/", {"purpose": "contact", "given": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()[0]["purpose"] == "contact"
    assert response.json()[0]["given"] is True
    bad = client.post(
        f"/api/v1/workers/{worker.pk}/consents/", {"purpose": "sell_data", "given": "x"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"purpose", "given"}
    assert_in_step(worker)


def test_an_import_goes_through_the_service(tmp_path, staff):
    headers = [*WORKER_HEADERS, "同意个人信息处理", "同意向用人单位推荐"]
    path = write_table(tmp_path, "csv", headers, [[*worker_row(1), "是", "否"]])
    assert import_file(path_or_file=path, kind="workers", actor=staff, filename=path.name).ok
    worker = WorkerProfile.objects.get(external_id="w-imp-1")
    assert worker.consent_data_processing is True
    assert set(worker.consent_records.values_list("channel", flat=True)) == {"import"}
    assert worker.consent_records.count() == 4
    assert_in_step(worker)
    # Importing again with a change appends just that change.
    path = write_table(tmp_path, "csv", headers, [[*worker_row(1), "是", "是"]], name="again")
    assert import_file(path_or_file=path, kind="workers", actor=staff, filename=path.name).ok
    assert worker.consent_records.count() == 5
    assert_in_step(worker)


def test_the_migration_turns_the_booleans_into_records_once():
    agreed = f.WorkerProfileFactory(consent_share_with_employers=True, consent_contact=False)
    refused = f.WorkerProfileFactory(consent_data_processing=False, consent_contact=True)
    MIGRATION.records_from_booleans(apps, None)
    MIGRATION.records_from_booleans(apps, None)  # idempotent
    for worker in (agreed, refused):
        assert worker.consent_records.count() == 4
        assert set(worker.consent_records.values_list("channel", flat=True)) == {"migrated"}
        assert_in_step(worker)
    assert consent.consent_state(worker=agreed) == {
        "data_processing": True, "share_with_employers": True, "contact": False,
        "personalised_recommendations": True,
    }  # fmt: skip
    # Without consent to processing, nothing was personalised either.
    assert consent.consent_state(worker=refused)["personalised_recommendations"] is False
