"""Issue 16, smaller: a worker applying or enrolling through the API acts as themselves (the
profile comes from the session or token); staff acting on a worker's behalf name the worker and
must cover the worker's county."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.jobs.models import Application
from tests import factories as f
from training.models import Enrolment

pytestmark = pytest.mark.django_db
X, Y = "441881", "440281"


@pytest.fixture
def worker():
    user = f.UserFactory(role=User.Role.WORKER)
    return f.WorkerProfileFactory(
        user=user, current_division=f.division(X), consent_share_with_employers=True
    )


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_worker_applies_without_sending_their_own_id(worker):
    posting = f.PostingFactory()
    response = _client(worker.user).post("/api/v1/applications/", {"posting": posting.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["worker"]["id"] == worker.pk
    assert Application.objects.get(posting=posting).source == Application.Source.SELF


def test_worker_enrols_without_sending_their_own_id(worker):
    session = f.SessionFactory()
    response = _client(worker.user).post("/api/v1/enrolments/", {"session": session.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["worker"]["id"] == worker.pk


def test_worker_may_still_send_their_own_id(worker):
    response = _client(worker.user).post(
        "/api/v1/applications/", {"posting": f.PostingFactory().pk, "worker": worker.pk}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize("url", ["/api/v1/applications/", "/api/v1/enrolments/"])
def test_worker_sending_another_workers_id_gets_a_field_error(worker, url):
    other = f.WorkerProfileFactory(current_division=f.division(X), consent_share_with_employers=True)
    item = {"posting": f.PostingFactory().pk} if "applications" in url else {"session": f.SessionFactory().pk}
    response = _client(worker.user).post(url, {**item, "worker": other.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["fields"]["worker"][0]["code"] == "not_own_profile"
    assert not Application.objects.exists()
    assert not Enrolment.objects.exists()


def test_worker_without_a_profile_is_asked_to_complete_it():
    user = f.UserFactory(role=User.Role.WORKER)
    response = _client(user).post("/api/v1/applications/", {"posting": f.PostingFactory().pk}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["worker"][0]["code"] == "required"


def test_staff_acting_for_a_worker_must_name_them(worker):
    staff = f.UserFactory(role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=[X]))
    posting = f.PostingFactory()
    response = _client(staff).post("/api/v1/applications/", {"posting": posting.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["worker"][0]["code"] == "required"
    response = _client(staff).post(
        "/api/v1/applications/", {"posting": posting.pk, "worker": worker.pk}, format="json"
    )
    assert response.status_code == 201
    assert Application.objects.get().source == Application.Source.STAFF_REFERRAL


def test_staff_of_another_county_cannot_act_for_the_worker(worker):
    staff = f.UserFactory(role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=[Y]))
    response = _client(staff).post(
        "/api/v1/enrolments/", {"session": f.SessionFactory().pk, "worker": worker.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_the_schema_says_the_worker_is_optional():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for name in ("ApplicationInputRequest", "EnrolmentInputRequest"):
        schema = components[name]
        assert "worker" in schema["properties"]
        assert "worker" not in schema.get("required", []), name
        assert "省略" in schema["properties"]["worker"]["description"]
