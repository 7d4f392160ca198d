"""Posting pages: employers manage their own postings, service staff those in their counties."""

from __future__ import annotations

import pytest

from backend.accounts.models import User
from backend.jobs.models import Posting
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer():
    return f.EmployerFactory(name="英德电子厂")


@pytest.fixture
def employer_client(client, make_user, employer):
    client.force_login(make_user(role=User.Role.EMPLOYER_STAFF, employer=employer))
    return client


@pytest.fixture
def staff_client(client, make_user):
    centre = f.ServiceCentreFactory(counties=["441881"])
    client.force_login(make_user(role=User.Role.SERVICE_STAFF, service_centre=centre))
    return client


def _posting_data(**overrides):
    data = {
        "title": "电焊工", "occupation": f.occupation("焊工").pk, "required_skills": "电焊",
        "required_certificate": "", "required_certificate_level": "", "headcount": "5", "wage_type": "monthly",
        "wage_min": "5000", "wage_max": "7000", "rate": "", "rate_unit": "", "provides_meals": "on",
        "provides_lodging": "on", "shifts": "day", "division": "441881", "address": "英红工业园",
        "campaign": "南粤春暖", "expires_on": "", "description": "长白班",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_anonymous_users_log_in_first(client):
    assert client.get("/manage/postings/")["Location"].startswith("/login/")


@pytest.mark.parametrize("role", [User.Role.WORKER, User.Role.PROVIDER_STAFF])
def test_other_roles_get_a_403(client, make_user, role):
    extra = {"provider": f.ProviderFactory()} if role == User.Role.PROVIDER_STAFF else {}
    client.force_login(make_user(role=role, **extra))
    assert client.get("/manage/postings/").status_code == 403
    assert client.get("/manage/postings/new/").status_code == 403


def test_an_employer_sees_only_its_own_postings(employer_client, employer):
    f.PostingFactory(employer=employer, title="本厂草稿", status=Posting.Status.DRAFT)
    other = f.PostingFactory(title="别家岗位")
    html = employer_client.get("/manage/postings/").content.decode()
    assert "本厂草稿" in html
    assert "别家岗位" not in html
    assert employer_client.get(f"/manage/postings/{other.pk}/edit/").status_code == 404
    assert (
        employer_client.post(f"/manage/postings/{other.pk}/status/", {"status": "filled"}).status_code == 404
    )


def test_an_employer_creates_a_posting_through_the_service(employer_client, employer):
    page = employer_client.get("/manage/postings/new/").content.decode()
    assert '<option value="南粤春暖">' in page  # campaign suggestions
    assert 'name="employer"' not in page
    response = employer_client.post("/manage/postings/new/", _posting_data())
    assert response.status_code == 302
    posting = Posting.objects.get(title="电焊工")
    assert posting.employer == employer
    assert posting.status == Posting.Status.DRAFT
    assert posting.campaign == "南粤春暖"
    assert list(posting.required_skills.values_list("name", flat=True)) == [
        "焊条电弧焊"
    ]  # 电焊 is its synonym


def test_wage_errors_are_shown_beside_the_fields(employer_client):
    data = _posting_data(wage_min="8000", wage_max="6000", headcount="0")
    response = employer_client.post("/manage/postings/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_headcount_error"' in html
    assert not Posting.objects.exists()

    response = employer_client.post("/manage/postings/new/", {**data, "headcount": "5"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_wage_max_error"' in html
    assert "月薪上限不能低于下限" in html
    assert 'value="8000"' in html
    assert not Posting.objects.exists()


def test_publish_and_mark_filled(employer_client, employer):
    posting = f.PostingFactory(employer=employer, status=Posting.Status.DRAFT, expires_on=None)
    url = f"/manage/postings/{posting.pk}/status/"
    assert employer_client.post(url, {"status": "published"}).status_code == 302
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.expires_on is not None
    employer_client.post(url, {"status": "filled"})
    posting.refresh_from_db()
    assert posting.status == Posting.Status.FILLED
    assert employer_client.post(url, {"status": "bogus"}).status_code == 404
    assert employer_client.get(url).status_code == 405


def test_edit_keeps_skills_and_saves(employer_client, employer):
    posting = f.PostingFactory(employer=employer)
    posting.required_skills.set(f.occupation("焊工").skills.filter(name="焊条电弧焊"))
    url = f"/manage/postings/{posting.pk}/edit/"
    assert 'value="焊条电弧焊"' in employer_client.get(url).content.decode()
    assert employer_client.post(url, _posting_data(title="新名字")).status_code == 302
    posting.refresh_from_db()
    assert posting.title == "新名字"


def test_staff_post_for_employers_of_their_counties(staff_client, employer):
    f.PostingFactory(title="辖区岗位", status=Posting.Status.DRAFT)
    f.PostingFactory(title="外县岗位", employer=f.EmployerFactory(county=f.division("441900")))
    html = staff_client.get("/manage/postings/").content.decode()
    assert "辖区岗位" in html
    assert "外县岗位" not in html

    outside = f.EmployerFactory(county=f.division("441900"))
    page = staff_client.get("/manage/postings/new/").content.decode()
    assert "英德电子厂" in page
    assert outside.name not in page
    missing = staff_client.post("/manage/postings/new/", _posting_data())
    assert missing.status_code == 400
    assert 'id="id_employer_error"' in missing.content.decode()
    response = staff_client.post(
        "/manage/postings/new/", _posting_data(employer=employer.pk, title="代发岗位")
    )
    assert response.status_code == 302
    assert Posting.objects.get(title="代发岗位").employer == employer
