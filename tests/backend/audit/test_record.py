"""Explicit entries: each action writes exactly one entry, with actor, role, address and request id."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.audit import services
from backend.audit.models import Entry
from tests import factories as f

pytestmark = pytest.mark.django_db


def saved(user: User) -> User:
    """The factory skips the save after set_password; a session with another hash is logged out."""
    user.save()
    return user


def new_entries(event: str, since: int) -> list[Entry]:
    return list(Entry.objects.filter(event=event, pk__gt=since).order_by("id"))


def last_pk() -> int:
    return Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def staff():
    return saved(
        f.UserFactory(
            role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=["441881"])
        )
    )


def test_record_refuses_an_unknown_action():
    with pytest.raises(ValueError, match="unknown audit action"):
        services.record(action="looked_around")


def test_record_masks_personal_data_in_the_detail():
    entry = services.record(action="export", detail={"note": "给 13912345678 打电话", "n": 3})
    assert entry.additional_data == {"note": "给 139****5678 打电话", "n": 3}


def test_id_reveal_through_the_api_writes_one_entry_without_the_number(staff):
    number = f.valid_id_number(5150)
    worker = f.WorkerProfileFactory(id_number=number)
    client = APIClient()
    client.force_authenticate(staff)
    since = last_pk()
    body = client.get(
        f"/api/v1/workers/{worker.pk}/", HTTP_X_REQUEST_ID="abc-123", REMOTE_ADDR="10.9.8.7"
    ).json()
    assert body["id_number"] == number
    (entry,) = new_entries("id_reveal", since)
    assert (entry.actor_id, entry.actor_role, entry.remote_addr, entry.cid) == (
        staff.pk,
        "service_staff",
        "10.9.8.7",
        "abc-123",
    )
    assert entry.object_pk == str(worker.pk)
    assert entry.content_type.model == "workerprofile"
    assert entry.additional_data == {"own": False}
    assert number not in json.dumps([entry.changes, entry.additional_data, entry.object_repr])


def test_a_list_of_workers_reveals_nothing_and_writes_no_reveal(staff):
    f.WorkerProfileFactory()
    client = APIClient()
    client.force_authenticate(staff)
    since = last_pk()
    assert client.get("/api/v1/workers/").status_code == 200
    assert new_entries("id_reveal", since) == []


def test_dashboard_export_writes_one_entry(staff):
    client = Client()
    client.force_login(staff)
    since = last_pk()
    response = client.get("/staff/dashboard/", {"export": "counties", "months": 6})
    assert response.status_code == 200
    (entry,) = new_entries("export", since)
    assert entry.actor_id == staff.pk
    assert entry.additional_data["table"] == "counties"


def test_login_and_failed_login_write_one_entry_each():
    user = saved(f.UserFactory(username="13912345678", role=User.Role.WORKER))
    client = Client()
    since = last_pk()
    client.post("/login/", {"username": "13912345678", "password": "wrong-password"}, REMOTE_ADDR="10.0.0.5")
    (failed,) = new_entries("login_failed", since)
    assert failed.actor_id is None
    assert failed.additional_data == {"username": "139****5678"}
    assert failed.remote_addr == "10.0.0.5"
    assert "wrong-password" not in json.dumps(failed.additional_data)

    since = last_pk()
    response = client.post("/login/", {"username": "13912345678", "password": "pw-test-123"})
    assert response.status_code == 302, response.content[:500]
    (login,) = new_entries("login", since)
    assert login.actor_id == user.pk
    assert login.actor_label == "139****5678"


def test_axes_lockout_writes_a_lockout_entry():
    from axes.signals import user_locked_out

    since = last_pk()
    user_locked_out.send("axes", request=None, username="13912345678", ip_address="10.0.0.9")
    (entry,) = new_entries("lockout", since)
    assert entry.additional_data == {"username": "139****5678"}


def test_api_permission_denied_writes_one_entry():
    worker_user = f.UserFactory(role=User.Role.WORKER)
    program = f.ProgramFactory()
    client = APIClient()
    client.force_authenticate(worker_user)
    since = last_pk()
    response = client.patch(f"/api/v1/programs/{program.pk}/", {"hours": 1}, format="json")
    assert response.status_code == 403
    (entry,) = new_entries("permission_denied", since)
    assert entry.actor_id == worker_user.pk
    assert entry.actor_role == "worker"
    assert entry.additional_data == {"path": f"/api/v1/programs/{program.pk}/", "method": "PATCH"}


def test_web_403_page_writes_one_entry():
    worker_user = saved(f.UserFactory(role=User.Role.WORKER))
    client = Client()
    client.force_login(worker_user)
    since = last_pk()
    response = client.get("/staff/dashboard/")
    assert response.status_code == 403
    (entry,) = new_entries("permission_denied", since)
    assert entry.actor_id == worker_user.pk
    assert entry.additional_data == {"path": "/staff/dashboard/", "method": "GET"}


def test_an_import_writes_one_summary_entry(tmp_path):
    from backend.imports.services import SYSTEM, import_file

    path = tmp_path / "employers.csv"
    path.write_text(
        "external_id,name,credit_code,county,industry\n"
        f"emp-audit-1,审计测试公司,{f.valid_credit_code(777)},441881,制造业\n",
        encoding="utf-8",
    )
    since = last_pk()
    result = import_file(path_or_file=str(path), kind="employers", actor=SYSTEM)
    assert result.ok, result.errors
    (entry,) = new_entries("import", since)
    assert entry.actor_id is None
    assert entry.actor_label == "system"
    assert entry.additional_data["kind"] == "employers"
    assert entry.additional_data["created"] == 1
    assert entry.additional_data["ok"] is True
    assert new_entries("create", since) == []  # the rows themselves went in bulk


def test_a_dry_run_import_writes_nothing(tmp_path):
    from backend.imports.services import SYSTEM, import_file

    path = tmp_path / "employers.csv"
    path.write_text(
        f"external_id,name,credit_code,county,industry\nemp-dry,试运行公司,{f.valid_credit_code(778)},441881,制造业\n",
        encoding="utf-8",
    )
    since = last_pk()
    import_file(path_or_file=str(path), kind="employers", actor=SYSTEM, dry_run=True)
    assert new_entries("import", since) == []


def test_a_matching_run_writes_one_summary_entry(staff, fresh_matching_engine):
    from matching.services.runs import matching_run_execute, matching_run_start

    f.WorkerProfileFactory()
    f.PostingFactory()
    run = matching_run_start(actor=staff, kind="job", county_codes=["441881"])
    since = last_pk()
    run = matching_run_execute(run_id=run.pk)  # what the task runs once the start is committed
    (entry,) = new_entries("matching_run", since)
    assert entry.actor_id == staff.pk
    assert entry.object_pk == str(run.pk)
    assert entry.additional_data["status"] == run.status
    assert entry.additional_data["workers"] == run.processed_workers


def test_a_worker_downloading_their_own_data_writes_one_export_entry():
    from backend.workers.privacy import worker_data_export

    user = saved(f.UserFactory(role=User.Role.WORKER))
    profile = f.WorkerProfileFactory(user=user, mobile="13912345678")
    since = last_pk()
    data = worker_data_export(actor=user, worker=profile)
    assert data
    (entry,) = new_entries("export", since)
    assert entry.actor_id == user.pk
    assert entry.object_pk == str(profile.pk)
    assert entry.additional_data == {"table": "worker_data"}
    assert "13912345678" not in json.dumps([entry.additional_data, entry.object_repr])
