"""Issue 16, over-broad writes: an employer changes only its own name, industry and contact
details; the county's record of it (稳岗基地 badge, credit code, county, import key) is set by
the staff of its county or an admin, and every such change is an audit entry."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.audit.models import Entry
from backend.common.errors import PermissionDenied
from backend.jobs import services
from backend.jobs.models import Employer
from tests import factories as f

pytestmark = pytest.mark.django_db
X, Y = "441881", "440281"


@pytest.fixture
def employer():
    return f.EmployerFactory(county=f.division(X))


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _employer_staff(employer):
    return f.UserFactory(role=User.Role.EMPLOYER_STAFF, employer=employer)


def _county_staff(*counties):
    return f.UserFactory(
        role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=list(counties))
    )


def _refused(response, field):
    assert response.status_code == 403, response.content[:300]
    body = response.json()
    assert body["code"] == "field_not_writable"
    assert body["fields"][field] == [
        {"code": "field_not_writable", "message": "只有辖区就业服务人员或管理员可以修改该项。"}
    ]


def test_employer_cannot_set_its_own_stable_base_badge(employer):
    response = _client(_employer_staff(employer)).patch(
        f"/api/v1/employers/{employer.pk}/", {"is_stable_employment_base": True}, format="json"
    )
    _refused(response, "is_stable_employment_base")
    employer.refresh_from_db()
    assert employer.is_stable_employment_base is False


def test_employer_cannot_change_its_credit_code_after_verification(employer):
    before = employer.credit_code
    response = _client(_employer_staff(employer)).patch(
        f"/api/v1/employers/{employer.pk}/", {"credit_code": f.valid_credit_code(77001)}, format="json"
    )
    _refused(response, "credit_code")
    employer.refresh_from_db()
    assert employer.credit_code == before


def test_employer_cannot_move_itself_to_another_county(employer):
    response = _client(_employer_staff(employer)).patch(
        f"/api/v1/employers/{employer.pk}/", {"county": Y}, format="json"
    )
    _refused(response, "county")
    employer.refresh_from_db()
    assert employer.county_id == X


def test_employer_refused_fields_are_all_named_and_nothing_is_written(employer):
    """Several reserved fields with an allowed one: each reserved field is named, the allowed
    change is not written either (the request is refused as a whole)."""
    body = {"is_stable_employment_base": True, "county": Y, "industry": "物流"}
    response = _client(_employer_staff(employer)).patch(
        f"/api/v1/employers/{employer.pk}/", body, format="json"
    )
    assert response.status_code == 403
    assert set(response.json()["fields"]) == {"is_stable_employment_base", "county"}
    employer.refresh_from_db()
    assert employer.industry == "制造业"


def test_employer_may_resend_its_credit_code_in_lower_case(employer):
    """The code as the employer types it (lower case) is the same code: no change."""
    typed = employer.credit_code.lower()
    response = _client(_employer_staff(employer)).patch(
        f"/api/v1/employers/{employer.pk}/", {"credit_code": typed, "industry": "物流"}, format="json"
    )
    assert response.status_code == 200, response.content[:300]


def test_employer_changes_its_own_contact_details(employer):
    response = _client(_employer_staff(employer)).patch(
        f"/api/v1/employers/{employer.pk}/",
        {"contact_phone": "0763-5550000", "address": "英德市工业园"},
        format="json",
    )
    assert response.status_code == 200
    employer.refresh_from_db()
    assert (employer.contact_phone, employer.address) == ("0763-5550000", "英德市工业园")


def test_staff_of_the_county_sets_the_badge_and_the_change_is_audited(employer):
    staff = _county_staff(X)
    response = _client(staff).patch(
        f"/api/v1/employers/{employer.pk}/", {"is_stable_employment_base": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_stable_employment_base"] is True
    entry = Entry.objects.filter(
        content_type=ContentType.objects.get_for_model(Employer), object_pk=str(employer.pk), event="update"
    ).latest("id")
    assert entry.actor == staff
    assert entry.changes["is_stable_employment_base"] == [False, True]


def test_staff_of_another_county_cannot_set_the_badge(employer):
    f.PostingFactory(employer=employer)  # a published posting makes the employer public
    response = _client(_county_staff(Y)).patch(
        f"/api/v1/employers/{employer.pk}/", {"is_stable_employment_base": True}, format="json"
    )
    assert response.status_code == 403
    employer.refresh_from_db()
    assert employer.is_stable_employment_base is False


def test_the_service_refuses_a_reserved_field_whoever_calls_it(employer):
    """Not only the API: a page or a command calling the service gets the same refusal."""
    with pytest.raises(PermissionDenied) as refused:
        services.employer_update(
            actor=_employer_staff(employer), employer=employer, data={"external_id": "mine"}
        )
    assert refused.value.code == "field_not_writable"
    assert set(refused.value.fields) == {"external_id"}


def test_admin_sets_every_field_of_the_record(employer):
    admin = f.UserFactory(role=User.Role.ADMIN)
    body = {"is_stable_employment_base": True, "credit_code": f.valid_credit_code(77002), "county": Y,
            "external_id": "emp-moved"}  # fmt: skip
    response = _client(admin).patch(f"/api/v1/employers/{employer.pk}/", body, format="json")
    assert response.status_code == 200, response.content[:300]
    employer.refresh_from_db()
    assert (employer.county_id, employer.external_id, employer.is_stable_employment_base) == (
        Y,
        "emp-moved",
        True,
    )
