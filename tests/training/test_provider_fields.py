"""Issue 16, over-broad writes, for providers: provider staff change only their own provider's
name and contact details (/api/v1/providers/); its 认定 (verified), kind, county and import key
are set by an admin, and every change is an audit entry."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.audit.models import Entry
from tests import factories as f
from training.models import Provider

pytestmark = pytest.mark.django_db
X, Y = "441881", "440281"


@pytest.fixture
def provider():
    return f.ProviderFactory(county=f.division(X), verified=False)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _own_staff(provider):
    return f.UserFactory(role=User.Role.PROVIDER_STAFF, provider=provider)


@pytest.mark.parametrize(
    ("field", "value"),
    [("verified", True), ("county", Y), ("kind", "technical_school"), ("external_id", "prov-mine")],
)
def test_provider_cannot_set_its_own_verification_kind_county_or_key(provider, field, value):
    before = getattr(provider, Provider._meta.get_field(field).attname)
    response = _client(_own_staff(provider)).patch(
        f"/api/v1/providers/{provider.pk}/", {field: value}, format="json"
    )
    assert response.status_code == 403, response.content[:300]
    body = response.json()
    assert body["code"] == "field_not_writable"
    assert body["fields"][field] == [{"code": "field_not_writable", "message": "只有管理员可以修改该项。"}]
    provider.refresh_from_db()
    assert getattr(provider, Provider._meta.get_field(field).attname) == before


def test_provider_changes_its_own_contact_details(provider):
    response = _client(_own_staff(provider)).patch(
        f"/api/v1/providers/{provider.pk}/",
        {"contact_phone": "0763-5551111", "verified": False},
        format="json",
    )
    assert response.status_code == 200, response.content[:300]  # `verified` sent unchanged is no change
    provider.refresh_from_db()
    assert provider.contact_phone == "0763-5551111"


def test_another_provider_cannot_see_or_change_an_unpublished_provider(provider):
    other = f.ProviderFactory()
    response = _client(_own_staff(other)).patch(
        f"/api/v1/providers/{provider.pk}/", {"contact_phone": "1"}, format="json"
    )
    assert response.status_code == 404


def test_admin_verifies_a_provider_and_the_change_is_audited(provider):
    admin = f.UserFactory(role=User.Role.ADMIN)
    response = _client(admin).patch(f"/api/v1/providers/{provider.pk}/", {"verified": True}, format="json")
    assert response.status_code == 200
    assert response.json()["verified"] is True
    entry = Entry.objects.filter(
        content_type=ContentType.objects.get_for_model(Provider), object_pk=str(provider.pk), event="update"
    ).latest("id")
    assert entry.actor == admin
    assert entry.changes["verified"] == [False, True]


def test_only_an_admin_registers_a_provider():
    body = {"name": "新培训学校", "kind": "training_institution", "county": X}
    staff = f.UserFactory(role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=[X]))
    assert _client(staff).post("/api/v1/providers/", body, format="json").status_code == 403
    response = _client(f.UserFactory(role=User.Role.ADMIN)).post("/api/v1/providers/", body, format="json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["verified"] is False


def test_providers_list_is_public_for_those_with_a_published_program(provider):
    f.ProgramFactory(provider=provider)
    hidden = f.ProviderFactory()
    ids = {row["id"] for row in APIClient().get("/api/v1/providers/").json()["results"]}
    assert provider.pk in ids
    assert hidden.pk not in ids
