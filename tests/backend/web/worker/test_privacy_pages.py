"""The worker's 隐私与数据 page (consents, a copy of their data, deletion request) and the 推荐 page
when personalised recommendations are off."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from backend.accounts.models import User
from backend.workers.models import DeletionRequest, WorkerProfile
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engine(fresh_matching_engine):  # see tests/conftest.py
    return


def profile_of(user) -> WorkerProfile:
    return WorkerProfile.objects.get(user=user)


def test_the_page_shows_each_consent_and_links_the_notice(worker_client):
    html = worker_client.get("/me/privacy/").content.decode()
    for label in ("个人信息处理", "向用人单位推荐", "接收通知", "个性化推荐"):
        assert label in html
    assert 'href="/privacy/"' in html
    assert 'href="/me/privacy/export.xlsx"' in html


def test_withdrawing_and_giving_consent_from_the_page_records_it(worker_client, worker):
    response = worker_client.post("/me/privacy/consent/", {"purpose": "contact", "given": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/me/privacy/"
    profile = profile_of(worker)
    assert profile.consent_contact is True
    record = profile.consent_records.get()
    assert (record.purpose, record.given, record.channel, record.recorded_by) == (
        "contact",
        True,
        "web",
        worker,
    )


def test_bad_consent_input_is_a_400_with_the_message(worker_client, worker):
    response = worker_client.post("/me/privacy/consent/", {"purpose": "sell", "given": "maybe"})
    assert response.status_code == 400
    assert "没有这种同意事项" in response.content.decode()
    assert not profile_of(worker).consent_records.exists()


def test_the_worker_downloads_json_and_xlsx(worker_client, worker):
    profile = profile_of(worker)
    response = worker_client.get("/me/privacy/export.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["id_number"] == profile.reveal_id_number()
    book = load_workbook(io.BytesIO(worker_client.get("/me/privacy/export.xlsx").content))
    assert "个人资料" in book.sheetnames
    assert worker_client.get("/me/privacy/export.csv").status_code == 404


def test_other_roles_cannot_open_the_page_or_download(client, make_user):
    staff = make_user(
        role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=["441881"])
    )
    client.force_login(staff)
    assert client.get("/me/privacy/export.json").status_code == 403
    assert client.get("/me/privacy/").status_code == 403
    client.logout()
    assert client.get("/me/privacy/export.json").status_code == 302  # to the login page


def test_a_deletion_request_needs_the_tick_then_waits_for_staff(worker_client, worker):
    response = worker_client.post("/me/privacy/delete/", {})
    assert response.status_code == 400
    assert "请先勾选确认" in response.content.decode()
    assert not DeletionRequest.objects.exists()
    response = worker_client.post("/me/privacy/delete/", {"confirm": "on"}, follow=True)
    assert "注销申请已提交" in response.content.decode()
    assert "正在等待服务中心工作人员确认" in response.content.decode()
    assert DeletionRequest.objects.get().status == "pending"
    response = worker_client.post("/me/privacy/delete/", {"confirm": "on"}, follow=True)
    assert "已有一份注销申请在处理中" in response.content.decode()
    assert DeletionRequest.objects.count() == 1


def test_opted_out_recommendations_are_the_countys_latest_labelled_with_a_way_back(worker_client, worker):
    profile = profile_of(worker)
    WorkerProfile.objects.filter(pk=profile.pk).update(consent_personalised_recommendations=False)
    here = f.PostingFactory(title="英德新岗位", division=f.division("441881"))
    f.PostingFactory(title="乐昌岗位", division=f.division("440281"))
    program = f.ProgramFactory(title="英德培训班", venue_division=f.division("441881"))
    f.SessionFactory(program=program)

    html = worker_client.get("/me/recommendations/").content.decode()
    assert "非个性化推荐" in html
    assert here.title in html
    assert "乐昌岗位" not in html
    assert 'name="purpose" value="personalised_recommendations"' in html
    assert 'value="recommendations"' in html
    assert "英德培训班" in worker_client.get("/me/recommendations/?tab=training").content.decode()

    response = worker_client.post(
        "/me/privacy/consent/",
        {"purpose": "personalised_recommendations", "given": "1", "next": "recommendations"},
    )
    assert response["Location"] == "/me/recommendations/"
    assert "非个性化推荐" not in worker_client.get("/me/recommendations/").content.decode()
