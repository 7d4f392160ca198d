"""The same refused request in English (`Accept-Language: en`) and by default (Chinese): the
messages change language, the codes do not."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.workers.models import WorkerProfile
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    centre = f.ServiceCentreFactory(counties=["441881"])
    client = APIClient()
    client.force_authenticate(f.UserFactory(role=User.Role.SERVICE_STAFF, service_centre=centre))
    return client


def _worker_body(**overrides):
    body = {
        "name": "李四", "mobile": "13912345678", "current_division": "441881", "consent_data_processing": True,
        "id_number": f.valid_id_number(5, county="441881"),
    }  # fmt: skip
    body.update(overrides)
    return body


def _in_both_languages(send):
    """(default body, English body) of the same request, which must be refused the same way."""
    chinese, english = send(), send(HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code >= 400
    return chinese.json(), english.json()


def _codes(body):
    return body["code"], {field: [p["code"] for p in problems] for field, problems in body["fields"].items()}


def _messages(body):
    return [body["message"], *(p["message"] for problems in body["fields"].values() for p in problems)]


def test_a_service_refusal_with_a_field_message(staff_client):
    chinese, english = _in_both_languages(
        lambda **h: staff_client.post(
            "/api/v1/workers/", _worker_body(consent_data_processing=False), format="json", **h
        )
    )
    assert (
        _codes(chinese)
        == _codes(english)
        == ("validation_error", {"consent_data_processing": ["consent_required"]})
    )
    assert _messages(chinese) == ["输入有误,请检查标出的字段。", "登记前须征得本人同意处理个人信息。"]
    assert _messages(english) == [
        "Some entries are invalid. Please check the marked fields.",
        "The worker's consent to process personal data is required to register.",
    ]
    assert not WorkerProfile.objects.exists()


def test_a_conflict_and_a_model_rule(staff_client):
    assert staff_client.post("/api/v1/workers/", _worker_body(), format="json").status_code == 201
    chinese, english = _in_both_languages(
        lambda **h: staff_client.post(
            "/api/v1/workers/", _worker_body(mobile="13900000000"), format="json", **h
        )
    )
    assert _codes(chinese) == _codes(english)
    assert chinese["message"] == "该身份证号已登记,请勿重复登记。"
    assert english["message"] == "This ID number is already registered. Please do not register it twice."

    body = {"employer": f.EmployerFactory().pk, "title": "普工", "occupation": f.occupation().slug,
            "headcount": 3, "wage_min": 500, "wage_max": 4000}  # fmt: skip
    chinese, english = _in_both_languages(
        lambda **h: staff_client.post("/api/v1/postings/", body, format="json", **h)
    )
    assert _codes(chinese) == _codes(english)
    assert "月薪应在" in chinese["fields"]["wage_min"][0]["message"]
    assert english["fields"]["wage_min"][0]["message"].startswith("The monthly wage must be between ")


def test_a_permission_refusal_and_the_api_own_messages(staff_client):
    provider_client = APIClient()
    provider_client.force_authenticate(
        f.UserFactory(role=User.Role.PROVIDER_STAFF, provider=f.ProviderFactory())
    )
    body = {
        "employer": f.EmployerFactory().pk,
        "title": "普工",
        "occupation": f.occupation().slug,
        "headcount": 3,
    }
    chinese, english = _in_both_languages(
        lambda **h: provider_client.post("/api/v1/postings/", body, format="json", **h)
    )
    assert _codes(chinese) == _codes(english) == ("permission_denied", {})
    assert chinese["message"] == "只有用人单位或就业服务人员可以发布招聘岗位。"
    assert english["message"] == "Only employers or employment-service staff can post jobs."

    chinese, english = _in_both_languages(lambda **h: staff_client.get("/api/v1/postings/999999/", **h))
    assert chinese == {"code": "not_found", "message": "未找到该记录。", "fields": {}}
    assert english == {"code": "not_found", "message": "Record not found.", "fields": {}}
