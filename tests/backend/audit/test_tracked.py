"""auditlog's entries for the tracked models: one per create, update and delete, personal data masked."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType

from backend.accounts.models import User
from backend.audit.models import Entry
from backend.jobs.models import Employer
from backend.occupations.models import CertificateType, Skill
from backend.workers.models import WorkerCertificate, WorkerProfile, WorkerSkill
from tests import factories as f

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"
ID_NUMBER = f.valid_id_number(4242)


def entries_for(obj) -> list[Entry]:
    ct = ContentType.objects.get_for_model(type(obj))
    return list(Entry.objects.filter(content_type=ct, object_pk=str(obj.pk)).order_by("id"))


def stored(entry: Entry) -> str:
    """Everything the entry keeps, as one string to search."""
    return json.dumps(
        [entry.changes, entry.changes_text, entry.object_repr, entry.additional_data, entry.serialized_data,
         entry.actor_label, entry.actor_email],
        ensure_ascii=False,
    )  # fmt: skip


def assert_no_personal_data(entry: Entry, *secrets: str) -> None:
    text = stored(entry)
    for secret in secrets:
        assert secret not in text, f"{secret} stored in the clear: {text}"


def test_worker_profile_create_update_delete_mask_mobile_and_id_number():
    worker = f.WorkerProfileFactory(mobile=MOBILE, id_number=ID_NUMBER)
    worker.mobile = "13800001111"
    worker.wage_floor = 5000
    worker.save()
    pk = worker.pk
    worker.delete()

    logged = entries_for(WorkerProfile(pk=pk))
    events = [e.event for e in logged]
    assert events[0] == "create"
    assert events[-1] == "delete"
    assert "update" in events
    for entry in logged:
        assert_no_personal_data(entry, MOBILE, "13800001111", ID_NUMBER, worker.id_number_encrypted)
        assert "id_number_hash" not in (entry.changes or {})
        assert "id_number_encrypted" not in (entry.changes or {})
    update = next(e for e in logged if e.changes and "wage_floor" in e.changes)
    assert update.changes["mobile"] == ["139****5678", "138****1111"]
    assert update.changes["wage_floor"] == [None, 5000]
    create = logged[0]
    assert "suggestions" not in create.changes  # reverse relations are not fields of the row


@pytest.mark.parametrize(
    "make",
    [
        lambda: f.EmployerFactory(contact_phone=MOBILE),
        lambda: f.PostingFactory(description=f"联系电话 {MOBILE},身份证 {ID_NUMBER}"),
        lambda: f.ApplicationFactory(note=f"本人手机 {MOBILE}"),
        lambda: f.ProviderFactory(contact_phone=MOBILE),
        f.ProgramFactory,
        f.SessionFactory,
        f.EnrolmentFactory,
        lambda: f.UserFactory(username=MOBILE, email="zhang@example.cn"),
    ],
    ids=["employer", "posting", "application", "provider", "program", "session", "enrolment", "user"],
)
def test_each_tracked_model_logs_create_update_delete_without_personal_data(make):
    obj = make()
    model = type(obj)
    changed_field = {"Employer": "industry", "Posting": "title", "Application": "note", "Provider": "address",
                     "Program": "title", "Session": "seats", "Enrolment": "status", "User": "display_name"}[model.__name__]  # fmt: skip
    new_value = 40 if changed_field == "seats" else ("dropped" if changed_field == "status" else "改过了")
    setattr(obj, changed_field, new_value)
    obj.save()
    pk = obj.pk
    if model is User:
        obj.delete()
    else:
        model.objects.filter(pk=pk).delete()

    logged = entries_for(model(pk=pk))
    assert next(e.event for e in logged) == "create"
    assert [e.event for e in logged][-1] == "delete"
    update = [e for e in logged if e.event == "update" and changed_field in (e.changes or {})]
    assert len(update) == 1
    assert update[0].changes[changed_field][1] == new_value
    for entry in logged:
        assert_no_personal_data(entry, MOBILE, ID_NUMBER, "zhang@example.cn", "pw-test-123")
        assert "password" not in (entry.changes or {})


def test_masked_free_text_keeps_a_readable_mask():
    employer = f.EmployerFactory(contact_phone=MOBILE)
    (create,) = entries_for(employer)
    assert create.changes["contact_phone"][1] == "139****5678"


def test_skill_and_certificate_rows_are_logged():
    worker = f.WorkerProfileFactory()
    skill = WorkerSkill.objects.create(worker=worker, skill=Skill.objects.first(), years=3)
    cert = WorkerCertificate.objects.create(worker=worker, certificate_type=CertificateType.objects.first())
    skill.years = 4
    skill.save()
    cert_pk = cert.pk
    cert.delete()
    assert [e.event for e in entries_for(skill)] == ["create", "update"]
    assert entries_for(skill)[1].changes["years"] == [3, 4]
    assert [e.event for e in entries_for(WorkerCertificate(pk=cert_pk))] == ["create", "delete"]


def test_an_entry_written_in_a_request_has_actor_role_address_and_request_id(client):
    staff = f.UserFactory(role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory())
    worker = f.WorkerProfileFactory(consent_share_with_employers=False)
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff)  # as a token would: authenticated inside the view, not by middleware
    response = api.patch(
        f"/api/v1/workers/{worker.pk}/", {"wage_floor": 4321}, format="json",
        HTTP_X_REQUEST_ID="req-audit-1", REMOTE_ADDR="10.1.2.3",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    (update,) = [e for e in entries_for(worker) if e.changes and "wage_floor" in e.changes]
    assert update.actor_id == staff.pk
    assert update.actor_label == staff.username
    assert update.actor_role == "service_staff"
    assert update.remote_addr == "10.1.2.3"
    assert update.cid == "req-audit-1"


def test_outside_a_request_there_is_no_actor():
    employer = f.EmployerFactory()
    (create,) = entries_for(employer)
    assert create.actor_id is None
    assert create.actor_label == ""
    assert create.remote_addr is None


def test_deleting_a_user_with_entries_keeps_the_entries():
    user = f.UserFactory(role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory())
    from backend.audit import services

    mine = services.record(action="export", actor=user, detail={"table": "counties"})
    worker = f.WorkerProfileFactory(user=f.UserFactory())
    user_pk = user.pk
    user.delete()
    worker.user.delete()  # the profile's user is SET_NULL: an UPDATE of the profile, logged as such
    mine.refresh_from_db()
    assert mine.actor_id == user_pk
    assert mine.actor_label == user.username
    assert Entry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_pk=str(user_pk),
                                event="delete").exists()  # fmt: skip


def test_employer_queryset_update_is_a_bulk_write_without_entries():
    """Documented limit: QuerySet.update sends no signals (bulk paths write a summary instead)."""
    employer = f.EmployerFactory()
    before = Entry.objects.count()
    Employer.objects.filter(pk=employer.pk).update(industry="物流")
    assert Entry.objects.count() == before
