"""Values the database cannot hold are field errors (400), never driver errors (500): the ones
the schema fuzzer found first, kept as plain regression cases."""

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db
HUGE = "79395963598266662912"  # > 2^63


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/postings/?employer={HUGE}",
        "/api/v1/postings/?wage_at_least=3.402823466e%2B38",
        f"/api/v1/programs/?provider={HUGE}&page_size=4035876",
        f"/api/v1/applications/?posting={HUGE}",
        f"/api/v1/sessions/?program={HUGE}",
        f"/api/v1/suggestions/?run={HUGE}",
        f"/api/v1/search/?employer={HUGE}",
    ],
)
def test_an_integer_filter_out_of_range_is_a_field_error(url):
    client = APIClient()
    client.force_authenticate(f.UserFactory(role=User.Role.ADMIN))
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["fields"]


def test_an_id_too_long_for_the_database_is_not_found():
    client = APIClient()
    client.force_authenticate(f.UserFactory(role=User.Role.ADMIN))
    assert client.get(f"/api/v1/postings/{HUGE}/").status_code == 404
    assert client.get(f"/api/v1/workers/{HUGE}/").status_code == 404


def test_a_body_naming_a_row_by_an_impossible_id_is_a_field_error():
    client = APIClient()
    client.force_authenticate(f.UserFactory(role=User.Role.ADMIN))
    response = client.post("/api/v1/applications/", {"posting": int(HUGE)}, format="json")
    assert response.status_code == 400
    assert "posting" in response.json()["fields"]
    bulk = client.post(
        "/api/v1/suggestions/bulk-review/", {"ids": [int(HUGE)], "decision": "approve"}, format="json"
    )
    assert bulk.status_code == 400
    assert "ids" in str(bulk.json()["fields"])
