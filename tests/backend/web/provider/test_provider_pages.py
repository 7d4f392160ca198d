"""A provider's pages: own programs only, writes through training.services, errors beside fields."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.accounts.models import User
from backend.occupations.models import Brand, Skill
from tests import factories as f
from training.models import Enrolment, Program, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return f.ProviderFactory()


@pytest.fixture
def provider_client(client, make_user, provider):
    client.force_login(make_user(role=User.Role.PROVIDER_STAFF, provider=provider))
    return client


def _program_data(**overrides):
    cook = f.occupation("中式烹调师")
    data = {
        "title": "粤菜师傅短训班", "brand": Brand.YUECAI, "occupation": cook.pk, "skills": "粤菜、刀工",
        "certificate_type": "", "certificate_level": "", "delivery": "offline", "online_url": "",
        "venue_division": "441881", "venue_address": "英德市和平北路1号", "hours": "80", "fee": "0",
        "is_free": "on", "is_subsidised": "on", "eligibility": "英德户籍", "description": "学做粤菜",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_anonymous_users_log_in_first(client):
    response = client.get("/provider/programs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/provider/programs/")


@pytest.mark.parametrize(
    "links",
    [
        {"role": User.Role.WORKER},
        {"role": User.Role.EMPLOYER_STAFF, "employer": f.EmployerFactory},
        {"role": User.Role.SERVICE_STAFF, "service_centre": f.ServiceCentreFactory},
    ],
)
def test_other_roles_get_a_403(client, make_user, links):
    client.force_login(make_user(**{k: v() if callable(v) else v for k, v in links.items()}))
    for url in ("/provider/programs/", "/provider/programs/new/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "只有培训机构的工作人员" in response.content.decode()


def test_the_list_shows_own_programs_only_with_drafts(provider_client, provider):
    f.ProgramFactory(provider=provider, title="自己的草稿", status=Program.Status.DRAFT)
    mine = f.ProgramFactory(provider=provider, title="自己的已发布")
    f.SessionFactory(program=mine)
    f.ProgramFactory(title="别人的项目")
    html = provider_client.get("/provider/programs/").content.decode()
    assert "自己的草稿" in html
    assert "自己的已发布" in html
    assert "别人的项目" not in html
    assert "开班 1 个" in html


def test_another_providers_program_is_a_404(provider_client):
    other = f.ProgramFactory()
    assert provider_client.get(f"/provider/programs/{other.pk}/edit/").status_code == 404
    assert provider_client.post(f"/provider/programs/{other.pk}/publish/").status_code == 404
    assert provider_client.get(f"/provider/programs/{other.pk}/sessions/").status_code == 404


def test_a_provider_creates_a_draft_program_through_the_service(provider_client, provider):
    response = provider_client.post("/provider/programs/new/", _program_data())
    assert response.status_code == 302
    program = Program.objects.get(title="粤菜师傅短训班")
    assert program.provider == provider
    assert program.status == Program.Status.DRAFT
    assert program.external_id.startswith("p")
    assert set(program.skills.values_list("name", flat=True)) == {"粤菜烹饪", "刀工"}
    assert program.latitude is not None  # the service filled the county's coordinates


def test_service_errors_are_shown_beside_the_fields_and_input_is_kept(provider_client):
    data = _program_data(delivery="online", online_url="", fee="300", skills="粤菜、不存在的技能")
    response = provider_client.post("/provider/programs/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_skills_error"' in html
    assert "未找到技能「不存在的技能」" in html
    assert "粤菜、不存在的技能" in html  # what was typed stays
    assert not Program.objects.exists()

    data["skills"] = "粤菜"
    response = provider_client.post("/provider/programs/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_online_url_error"' in html
    assert "必须填写课程链接" in html
    assert 'id="id_fee_error"' in html
    assert "免费项目的费用应为0" in html
    assert 'aria-invalid="true"' in html
    assert 'value="粤菜师傅短训班"' in html
    assert not Program.objects.exists()


def test_in_english_the_service_refusals_are_english(provider_client, provider):
    provider_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    data = _program_data(delivery="online", online_url="", fee="300", skills="粤菜、不存在的技能")
    html = provider_client.post("/provider/programs/new/", data).content.decode()
    assert "No skill “不存在的技能” was found." in html  # the importer's lookup, used by the form

    data["skills"] = "粤菜"
    html = provider_client.post("/provider/programs/new/", data).content.decode()
    assert "An online or blended program needs a course link." in html
    assert "The fee of a free program must be 0." in html
    assert "必须填写课程链接" not in html

    program = f.ProgramFactory(provider=provider, status=Program.Status.DRAFT)
    page = provider_client.post(f"/provider/programs/{program.pk}/publish/", follow=True).content.decode()
    assert "Enter at least one skill taught before publishing." in page


def test_edit_shows_the_skills_and_saves_changes(provider_client, provider):
    program = f.ProgramFactory(provider=provider, occupation=f.occupation("中式烹调师"))
    program.skills.set(Skill.objects.filter(name="刀工"))
    page = provider_client.get(f"/provider/programs/{program.pk}/edit/").content.decode()
    assert 'value="刀工"' in page
    data = _program_data(title="改过的名字", skills="刀工")
    assert provider_client.post(f"/provider/programs/{program.pk}/edit/", data).status_code == 302
    program.refresh_from_db()
    assert program.title == "改过的名字"


def test_publish_needs_skills_and_close_closes(provider_client, provider):
    program = f.ProgramFactory(provider=provider, status=Program.Status.DRAFT)
    response = provider_client.post(f"/provider/programs/{program.pk}/publish/", follow=True)
    assert "发布前请至少填写一项所授技能" in response.content.decode()
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT

    program.skills.set(Skill.objects.all()[:1])
    provider_client.post(f"/provider/programs/{program.pk}/publish/")
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED
    provider_client.post(f"/provider/programs/{program.pk}/close/")
    program.refresh_from_db()
    assert program.status == Program.Status.CLOSED


def test_actions_need_post(provider_client, provider):
    program = f.ProgramFactory(provider=provider, status=Program.Status.DRAFT)
    assert provider_client.get(f"/provider/programs/{program.pk}/publish/").status_code == 405


def test_sessions_are_created_and_edited_with_errors_beside_fields(provider_client, provider):
    program = f.ProgramFactory(provider=provider)
    url = f"/provider/programs/{program.pk}/sessions/new/"
    bad = {"start_date": "2030-03-10", "end_date": "2030-03-01", "enrol_deadline": "", "seats": "30"}
    response = provider_client.post(url, bad)
    assert response.status_code == 400
    assert "结业日期不能早于开班日期" in response.content.decode()
    assert not Session.objects.exists()

    good = {**bad, "end_date": "2030-04-01", "enrol_deadline": "2030-03-05"}
    assert provider_client.post(url, good).status_code == 302
    session = Session.objects.get(program=program)
    assert session.end_date == dt.date(2030, 4, 1)

    edit = f"/provider/programs/{program.pk}/sessions/{session.pk}/edit/"
    assert 'value="2030-03-10"' in provider_client.get(edit).content.decode()
    assert provider_client.post(edit, {**good, "seats": "40", "status": "full"}).status_code == 302
    session.refresh_from_db()
    assert (session.seats, session.status) == (40, "full")
    listing = provider_client.get(f"/provider/programs/{program.pk}/sessions/").content.decode()
    assert "2030-03-10 至 2030-04-01" in listing


def test_enrolments_move_through_the_service(provider_client, provider):
    session = f.SessionFactory(program=f.ProgramFactory(provider=provider), enrolled_count=1)
    enrolment = f.EnrolmentFactory(session=session)
    url = f"/provider/programs/{session.program_id}/sessions/{session.pk}/enrolments/"
    html = provider_client.get(url).content.decode()
    assert enrolment.worker.name in html
    assert 'value="enrolled"' in html
    assert 'value="certified"' not in html

    for status in ("enrolled", "completed", "certified"):
        response = provider_client.post(url, {"enrolment": enrolment.pk, "status": status})
        assert response.status_code == 302
        enrolment.refresh_from_db()
        assert enrolment.status == status

    response = provider_client.post(url, {"enrolment": enrolment.pk, "status": "dropped"}, follow=True)
    assert "不能从" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CERTIFIED


def test_another_providers_enrolment_is_a_404(provider_client, provider):
    session = f.SessionFactory(program=f.ProgramFactory(provider=provider))
    stranger = f.EnrolmentFactory()
    url = f"/provider/programs/{session.program_id}/sessions/{session.pk}/enrolments/"
    assert provider_client.post(url, {"enrolment": stranger.pk, "status": "enrolled"}).status_code == 404
    assert provider_client.post(url, {"enrolment": "x", "status": "enrolled"}).status_code == 404


def test_the_header_links_to_the_providers_pages(provider_client):
    html = provider_client.get("/").content.decode()
    assert 'href="/provider/programs/"' in html
    assert 'href="/manage/imports/"' in html
    assert 'href="/api/docs/' in html or "接口文档" in html
