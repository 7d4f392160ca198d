"""Bad input gets field-level messages in Chinese with English codes, and writes nothing."""

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.jobs.models import Employer, Posting
from backend.workers.models import WorkerProfile
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    centre = f.ServiceCentreFactory(counties=["441881"])
    user = f.UserFactory(role=User.Role.SERVICE_STAFF, service_centre=centre)
    client = APIClient()
    client.force_authenticate(user)
    return client


def _worker_body(**overrides):
    body = {
        "name": "李四", "mobile": "13912345678", "current_division": "441881", "consent_data_processing": True,
        "id_number": f.valid_id_number(5, county="441881"),
    }  # fmt: skip
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("id_number", "110105194912310021", "id_number_checksum"),
        ("id_number", "12345", "id_number_format"),
        ("mobile", "12345678901", "mobile_format"),
        ("current_division", "999999", "does_not_exist"),
        ("wage_floor", -5, "min_value"),
        ("birth_year", 1800, "min_value"),
    ],
)
def test_bad_worker_fields_are_refused_with_field_messages(staff_client, field, value, code):
    response = staff_client.post("/api/v1/workers/", _worker_body(**{field: value}), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"][field][0]["code"] == code
    assert body["fields"][field][0]["message"]  # a sentence for people
    assert not WorkerProfile.objects.exists()


def test_consent_is_required_to_register(staff_client):
    response = staff_client.post(
        "/api/v1/workers/", _worker_body(consent_data_processing=False), format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["consent_data_processing"][0]["code"] == "consent_required"


def test_duplicate_id_number_is_a_conflict(staff_client):
    assert staff_client.post("/api/v1/workers/", _worker_body(), format="json").status_code == 201
    again = staff_client.post("/api/v1/workers/", _worker_body(mobile="13900000000"), format="json")
    assert again.status_code == 409
    assert again.json()["fields"]["id_number"][0]["code"] == "duplicate_id_number"
    assert WorkerProfile.objects.count() == 1


def test_bad_credit_code_is_refused(staff_client):
    body = {"name": "某厂", "credit_code": "91350100M000100Y44", "county": "441881", "industry": "制造业"}
    response = staff_client.post("/api/v1/employers/", body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["credit_code"][0]["code"] == "credit_code_checksum"
    assert not Employer.objects.exists()


@pytest.mark.parametrize(
    ("wage_min", "wage_max", "field", "code"),
    [
        (500, 4000, "wage_min", "wage_out_of_range"),
        (4000, 900000, "wage_max", "wage_out_of_range"),
        (6000, 4000, "wage_max", "wage_range_inverted"),
        (None, 4000, "wage_min", "wage_min_required"),
    ],
)
def test_out_of_range_wages_are_refused(staff_client, wage_min, wage_max, field, code):
    employer = f.EmployerFactory()
    body = {"employer": employer.pk, "title": "普工", "occupation": f.occupation().slug, "headcount": 3,
            "wage_min": wage_min, "wage_max": wage_max}  # fmt: skip
    response = staff_client.post("/api/v1/postings/", body, format="json")
    assert response.status_code == 400, response.content
    codes = [e["code"] for e in response.json()["fields"][field]]
    assert code in codes
    assert not Posting.objects.exists()


def test_malformed_json_is_a_clean_400(staff_client):
    response = staff_client.generic("POST", "/api/v1/workers/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_unknown_route_and_method_use_the_error_format(staff_client):
    assert staff_client.delete("/api/v1/postings/1/").json()["code"] in ("method_not_allowed", "not_found")
    response = staff_client.get("/api/v1/postings/999999/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该记录。", "fields": {}}
