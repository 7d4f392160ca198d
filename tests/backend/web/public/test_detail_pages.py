"""Job and course pages: only visible items; a worker applies or enrols through the services."""

from __future__ import annotations

import pytest

from backend.accounts.models import User
from backend.jobs.models import Application, Posting
from tests import factories as f
from training.models import Enrolment, Program, Session

pytestmark = pytest.mark.django_db


def test_a_published_posting_is_shown_to_anyone(client):
    posting = f.PostingFactory(title="电焊工", provides_lodging=True, description="夜班有补贴")
    html = client.get(f"/jobs/{posting.pk}/").content.decode()
    assert "电焊工" in html
    assert "4000–6000 元/月" in html
    assert "包住" in html
    assert "登录后投递" in html


@pytest.mark.parametrize("status", [Posting.Status.DRAFT, Posting.Status.FILLED, Posting.Status.EXPIRED])
def test_an_unpublished_posting_is_a_404(client, status):
    posting = f.PostingFactory(status=status)
    assert client.get(f"/jobs/{posting.pk}/").status_code == 404


def test_a_draft_program_is_a_404_and_a_missing_one_too(client):
    program = f.ProgramFactory(status=Program.Status.DRAFT)
    assert client.get(f"/courses/{program.pk}/").status_code == 404
    assert client.get("/courses/999999/").status_code == 404


def test_anonymous_apply_goes_to_login_and_back(client):
    posting = f.PostingFactory()
    response = client.post(f"/jobs/{posting.pk}/", {"note": "hi"})
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/jobs/{posting.pk}/"
    assert not Application.objects.exists()


def test_a_worker_applies_once_and_sees_the_status(worker_client, worker):
    posting = f.PostingFactory()
    response = worker_client.post(f"/jobs/{posting.pk}/", {"note": "下周可以上班"}, follow=True)
    application = Application.objects.get(worker__user=worker, posting=posting)
    assert application.note == "下周可以上班"
    assert application.source == Application.Source.SELF
    html = response.content.decode()
    assert "已投递" in html
    assert "你已投递这个岗位" in html

    again = worker_client.post(f"/jobs/{posting.pk}/", {"note": ""})
    assert again.status_code == 400
    assert "已经投递过该岗位" in again.content.decode()
    assert Application.objects.count() == 1


def test_a_too_long_note_is_refused_beside_the_field_and_kept(worker_client):
    posting = f.PostingFactory()
    note = "很长" * 300
    response = worker_client.post(f"/jobs/{posting.pk}/", {"note": note})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="err-note"' in html
    assert note in html
    assert not Application.objects.exists()


def test_a_worker_without_a_profile_is_told_so(client, make_user):
    client.force_login(make_user(role=User.Role.WORKER))
    posting = f.PostingFactory()
    response = client.post(f"/jobs/{posting.pk}/", {})
    assert response.status_code == 400
    assert "请先完善个人资料" in response.content.decode()


@pytest.mark.parametrize("role", [User.Role.EMPLOYER_STAFF, User.Role.PROVIDER_STAFF])
def test_other_roles_get_a_clear_403(client, make_user, role):
    links = (
        {"employer": f.EmployerFactory()}
        if role == User.Role.EMPLOYER_STAFF
        else {"provider": f.ProviderFactory()}
    )
    client.force_login(make_user(role=role, **links))
    posting = f.PostingFactory()
    response = client.post(f"/jobs/{posting.pk}/", {})
    assert response.status_code == 403
    assert "只有劳动者本人" in response.content.decode()


def test_course_page_lists_open_sessions_only(client):
    program = f.ProgramFactory(title="粤菜师傅初级")
    f.SessionFactory(program=program, seats=20)
    f.SessionFactory(program=program, status=Session.Status.CANCELLED)
    html = client.get(f"/courses/{program.pk}/").content.decode()
    assert "粤菜师傅初级" in html
    assert html.count('name="session"') == 1
    assert "剩余 20 个名额" in html


def test_a_worker_enrols_in_a_session(worker_client, worker):
    session = f.SessionFactory()
    response = worker_client.post(f"/courses/{session.program_id}/", {"session": session.pk}, follow=True)
    assert Enrolment.objects.filter(worker__user=worker, session=session).exists()
    assert "你已报名" in response.content.decode()
    session.refresh_from_db()
    assert session.enrolled_count == 1


def test_enrolling_without_choosing_or_in_another_programs_session_is_a_field_error(worker_client):
    session = f.SessionFactory()
    other = f.SessionFactory()
    for data in ({}, {"session": other.pk}, {"session": "x"}):
        response = worker_client.post(f"/courses/{session.program_id}/", data)
        assert response.status_code == 400
        assert 'id="err-session"' in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_full_session_is_refused_with_a_message(worker_client):
    session = f.SessionFactory(seats=1, enrolled_count=1)
    response = worker_client.post(f"/courses/{session.program_id}/", {"session": session.pk})
    assert response.status_code == 400
    assert "名额已满" in response.content.decode()
