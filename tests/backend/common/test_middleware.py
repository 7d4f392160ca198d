import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/divisions/?q=%00", "/api/v1/skills/?q=a%00b", "/api/v1/postings/?division=%00"]
)
def test_nul_in_a_query_string_is_a_clean_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


@pytest.mark.django_db
def test_ordinary_queries_pass():
    assert Client().get("/api/v1/divisions/?q=英德").status_code == 200
