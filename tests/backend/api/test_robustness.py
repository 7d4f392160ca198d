"""No input makes the API fail with a 500: arbitrary bodies and query strings get 2xx/4xx."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from backend.accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db

nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "\x00",
            "' OR 1=1 --",
            "NEAR(",
            "*",
            "😀" * 50,
            "９９９９９９",
            "1e309",
            "-1",
            "null",
            "x" * 10_000,
        ]
    ),
)
scalar = st.one_of(
    nasty_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
value = st.one_of(
    scalar, st.lists(scalar, max_size=4), st.dictionaries(st.text(max_size=8), scalar, max_size=3)
)

WORKER_FIELDS = ["name", "mobile", "id_number", "current_division", "hukou_division", "wage_floor", "birth_year",
                 "skills", "certificates", "languages", "preferred_divisions", "desired_occupations", "max_commute_km"]  # fmt: skip
POSTING_FIELDS = ["title", "occupation", "headcount", "wage_min", "wage_max", "rate", "wage_type", "division",
                  "required_skills", "required_certificate", "required_certificate_level", "latitude", "expires_on"]  # fmt: skip

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def admin_client():
    client = APIClient()
    client.force_authenticate(f.UserFactory(role=User.Role.ADMIN))
    return client


@FUZZ
@given(body=st.fixed_dictionaries({}, optional=dict.fromkeys(WORKER_FIELDS, value)))
def test_worker_registration_never_fails_with_500(admin_client, body):
    body.setdefault("consent_data_processing", True)
    response = admin_client.post("/api/v1/workers/", body, format="json")
    assert response.status_code in (201, 400, 409), response.content[:300]


@FUZZ
@given(body=st.fixed_dictionaries({}, optional=dict.fromkeys(POSTING_FIELDS, value)))
def test_posting_creation_never_fails_with_500(admin_client, body):
    body["employer"] = f.EmployerFactory().pk
    response = admin_client.post("/api/v1/postings/", body, format="json")
    assert response.status_code in (201, 400), response.content[:300]


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["q", "page", "page_size", "division", "brand", "ordering", "level",
                                                "parent", "wage_at_least", "status"]), nasty_text, max_size=4))  # fmt: skip
def test_list_filters_never_fail_with_500(params):
    client = APIClient()
    for url in ("/api/v1/postings/", "/api/v1/programs/", "/api/v1/skills/", "/api/v1/divisions/"):
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), (url, params, response.content[:300])
