"""Personal data rights: a copy for the worker only, deletion on request decided by the county's
staff (anonymised, counts kept, the ID number free again), the retention job, and the opt-out of
personalised recommendations (PIPL Art. 24) honoured by batch matching."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.common.errors import Conflict, PermissionDenied, ValidationFailed
from backend.jobs.models import Application
from backend.workers import consent, deletion, export_files, privacy
from backend.workers.models import DeletionRequest, WorkerProfile
from backend.workers.services import worker_register
from matching.models import Suggestion
from matching.services import runs
from tests import factories as f
from tests.matching.world import X, Y, build_world, make_suggestion
from training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engine(fresh_matching_engine):  # see tests/conftest.py
    return


@pytest.fixture
def world():
    w = build_world()
    a = w.workers["worker_a"]
    f.ApplicationFactory(worker=a, posting=w.postings["cook_y"], note="本人电话 13800001111")
    f.EnrolmentFactory(worker=a, session=w.sessions["cantonese"])
    make_suggestion(a, w.postings["cook_x"], status="approved", reviewed_at=timezone.now(), note="人很踏实")
    make_suggestion(a, w.postings["helper_x"], status="pending")
    consent.consent_set(actor=w.user("worker_a"), worker=a, purpose="contact", given=True)
    return w


# --- export -------------------------------------------------------------------------------------
def test_the_copy_has_every_section_with_the_whole_id_number(world):
    a = world.workers["worker_a"]
    data = privacy.worker_data_export(actor=world.user("worker_a"), worker=a)
    assert list(data) == ["meta", *privacy.SECTIONS]
    assert data["profile"]["id_number"] == a.reveal_id_number()
    assert len(data["profile"]["id_number"]) == 18
    assert data["profile"]["mobile"] == a.mobile
    assert {s["skill"] for s in data["skills"]} >= {"炒锅烹饪"}
    assert [c["certificate"] for c in data["certificates"]] == ["健康证"]
    assert [x["posting"] for x in data["applications"]] == ["乐昌酒楼厨师"]
    assert [x["program"] for x in data["enrolments"]] == ["粤菜师傅烧腊培训班"]
    # Shown to them: the approved suggestion with its explanation, not the pending one.
    assert [(s["title"], s["summary"]) for s in data["suggestions"]] == [("粤菜厨师", "技能对口")]
    assert data["suggestions"][0]["explanation"]["matched_skills"] == ["炒锅烹饪"]
    assert [(c["purpose"], c["given"]) for c in data["consents"]] == [("接收通知", True)]
    assert data["consents"][0]["recorded_by"] == "本人"


def test_the_xlsx_opens_with_a_sheet_per_section(world):
    a = world.workers["worker_a"]
    a.name = '=HYPERLINK("x")'  # typed text stays text, never a formula
    a.save()
    data = privacy.worker_data_export(actor=world.user("worker_a"), worker=a)
    book = load_workbook(io.BytesIO(export_files.as_xlsx(data)))
    assert book.sheetnames == list(privacy.SECTIONS.values())
    profile = {row[0]: row[1] for row in book["个人资料"].iter_rows(min_row=2, values_only=True)}
    assert profile["id_number"] == a.reveal_id_number()
    assert profile["name"] == a.name
    assert book["个人资料"]["B3"].data_type == "s"
    applications = list(book["求职投递"].iter_rows(values_only=True))
    assert applications[0][:2] == ("posting", "employer")
    assert applications[1][0] == "乐昌酒楼厨师"
    assert len(list(book["推荐记录"].iter_rows(min_row=2))) == 1


@pytest.mark.parametrize("role", ["worker_b", "staff_x", "admin", "employer"])
def test_only_the_owner_downloads_the_copy(world, role):
    with pytest.raises(PermissionDenied):
        privacy.worker_data_export(actor=world.user(role), worker=world.workers["worker_a"])


def test_the_api_export_is_the_owners_only(world):
    a = world.workers["worker_a"]
    client = APIClient()
    client.force_authenticate(world.user("worker_a"))
    response = client.get(f"/api/v1/workers/{a.pk}/export/")
    assert response.status_code == 200
    assert response.json()["profile"]["id_number"] == a.reveal_id_number()
    client.force_authenticate(world.user("staff_x"))  # manages the profile, still not theirs to copy
    assert client.get(f"/api/v1/workers/{a.pk}/export/").status_code == 403
    client.force_authenticate(world.user("worker_b"))
    assert client.get(f"/api/v1/workers/{a.pk}/export/").status_code == 404


# --- deletion on request ------------------------------------------------------------------------
def test_request_then_confirm_anonymises_keeps_counts_and_frees_the_id_number(world):
    a, user, staff = world.workers["worker_a"], world.user("worker_a"), world.user("staff_x")
    number, mobile = a.reveal_id_number(), a.mobile
    counts = (Application.objects.count(), Enrolment.objects.count(), Suggestion.objects.count())
    request = deletion.deletion_request_create(actor=user, worker=a)
    assert request.status == "pending"
    assert request.channel == "web"
    with pytest.raises(Conflict):
        deletion.deletion_request_create(actor=user, worker=a)  # one at a time

    deletion.deletion_request_confirm(actor=staff, request=request)

    a.refresh_from_db()
    user.refresh_from_db()
    assert (a.name, a.mobile, a.id_number_hash, a.id_number_encrypted, a.id_number_masked) == (
        "已注销用户", "", None, "", ""
    )  # fmt: skip
    assert (a.birth_year, a.gender, a.ethnicity, a.languages, a.user_id) == (None, "", "", [], None)
    assert not a.skills.exists()
    assert not a.certificates.exists()
    assert a.current_division_id == X
    assert a.anonymised_at is not None
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.username != mobile
    assert (Application.objects.count(), Enrolment.objects.count(), Suggestion.objects.count()) == counts
    assert not Application.objects.filter(worker=a).exclude(note="").exists()
    assert not Suggestion.objects.filter(worker=a).exclude(note="").exists()
    assert not Suggestion.objects.filter(worker=a, status="pending").exists()  # withdrawn
    assert Suggestion.objects.get(worker=a, status="approved")  # reviewed outcome stays
    assert not a.consent_data_processing
    assert not a.consent_personalised_recommendations
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("confirmed", staff)
    # The same person can register again with the same ID number and mobile.
    again = worker_register(
        actor=staff, data={"name": "重新登记", "mobile": mobile, "current_division": f.division(X),
                           "id_number": number, "consent_data_processing": True}
    )  # fmt: skip
    assert again.reveal_id_number() == number


def test_staff_of_another_county_and_the_worker_cannot_decide(world):
    a = world.workers["worker_a"]
    request = deletion.deletion_request_create(actor=world.user("worker_a"), worker=a)
    for role in ("staff_y", "worker_a", "employer", "provider"):
        with pytest.raises(PermissionDenied):
            deletion.deletion_request_confirm(actor=world.user(role), request=request)
    with pytest.raises(PermissionDenied):
        deletion.deletion_request_refuse(actor=world.user("staff_y"), request=request, reason="不行")
    a.refresh_from_db()
    assert a.anonymised_at is None
    assert a.name != "已注销用户"


def test_a_refusal_needs_a_reason_and_ends_the_request(world):
    a, staff = world.workers["worker_a"], world.user("staff_x")
    request = deletion.deletion_request_create(actor=world.user("worker_a"), worker=a)
    with pytest.raises(ValidationFailed) as caught:
        deletion.deletion_request_refuse(actor=staff, request=request, reason="  ")
    assert "reason" in caught.value.fields
    deletion.deletion_request_refuse(actor=staff, request=request, reason="有一份投递正在办理")
    with pytest.raises(Conflict):
        deletion.deletion_request_confirm(actor=staff, request=request)
    a.refresh_from_db()
    assert a.anonymised_at is None


def test_staff_confirm_a_request_made_in_person(world):
    c = world.workers["worker_c"]  # no login: registered at the window
    request = deletion.deletion_request_in_person(actor=world.user("staff_x"), worker=c)
    assert (request.status, request.channel) == ("confirmed", "window")
    c.refresh_from_db()
    assert c.name == "已注销用户"
    with pytest.raises(PermissionDenied):
        deletion.deletion_request_in_person(actor=world.user("staff_y"), worker=world.workers["worker_a"])
    assert DeletionRequest.objects.count() == 1


# --- retention ----------------------------------------------------------------------------------
def _age(worker: WorkerProfile, days: int) -> None:
    WorkerProfile.objects.filter(pk=worker.pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


def test_retention_anonymises_only_the_inactive_and_is_idempotent(settings, capsys):
    settings.PRIVACY_RETENTION_DAYS = 1000
    old = f.WorkerProfileFactory()
    recent_login = f.WorkerProfileFactory(
        user=f.UserFactory(role=User.Role.WORKER, last_login=timezone.now())
    )
    applied = f.WorkerProfileFactory()
    enrolled = f.WorkerProfileFactory()
    fresh = f.WorkerProfileFactory()
    for worker in (old, recent_login, applied, enrolled):
        _age(worker, 1001)
    f.ApplicationFactory(worker=applied)
    f.EnrolmentFactory(worker=enrolled)
    old_application = f.ApplicationFactory(worker=old)
    Application.objects.filter(pk=old_application.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=1500)
    )

    assert set(privacy.inactive_workers()) == {old}
    call_command("privacy_retention", "--dry-run")
    assert "1 worker profiles" in capsys.readouterr().out
    old.refresh_from_db()
    assert old.anonymised_at is None
    call_command("privacy_retention")
    assert "anonymised 1 " in capsys.readouterr().out
    assert privacy.workers_retention_run() == 0  # idempotent
    for worker in (old, recent_login, applied, enrolled, fresh):
        worker.refresh_from_db()
    assert old.name == "已注销用户"
    assert old.mobile == ""
    assert Application.objects.filter(worker=old).exists()
    assert all(w.anonymised_at is None for w in (recent_login, applied, enrolled, fresh))
    assert set(old.consent_records.filter(given=False).values_list("channel", flat=True)) == {"system"}


def test_the_retention_task_logs_only_a_count(settings, caplog):
    from backend.workers.tasks import privacy_retention

    settings.PRIVACY_RETENTION_DAYS = 10
    worker = f.WorkerProfileFactory(name="张秘密", mobile="13912340000")
    _age(worker, 11)
    caplog.clear()  # factory_boy's DEBUG lines name the row it built (CI logs at DEBUG)
    with caplog.at_level("INFO", logger="backend.workers.privacy"):
        assert privacy_retention.delay().get() == 1
    assert "anonymised 1 inactive" in caplog.text
    assert "张秘密" not in caplog.text
    assert "13912340000" not in caplog.text


# --- opting out of personalised recommendations -------------------------------------------------
def test_an_opted_out_worker_is_skipped_by_batch_runs_and_loses_pending_suggestions(world):
    a = world.workers["worker_a"]
    pending = Suggestion.objects.get(worker=a, status="pending")
    consent.consent_set(
        actor=world.user("worker_a"), worker=a, purpose="personalised_recommendations", given=False
    )
    pending.refresh_from_db()
    assert pending.status == "withdrawn"
    run = runs.matching_run_create(kind="both", county_codes=[X])
    assert run.total_workers == 1  # worker C only
    runs.matching_run_execute(run_id=run.pk)
    assert not Suggestion.objects.filter(worker=a, run=run).exists()
    assert Suggestion.objects.filter(worker=world.workers["worker_c"], run=run).exists()
    # Back in: the next run suggests to them again.
    consent.consent_set(
        actor=world.user("worker_a"), worker=a, purpose="personalised_recommendations", given=True
    )
    again = runs.matching_run_create(kind="job", county_codes=[X, Y])
    runs.matching_run_execute(run_id=again.pk)
    assert Suggestion.objects.filter(worker=a, run=again).exists()
