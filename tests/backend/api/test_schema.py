import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_every_resource():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for resource in ("programs", "sessions", "enrolments", "employers", "postings", "applications", "workers",
                     "divisions", "occupations", "skills", "certificate-types"):  # fmt: skip
        assert f"/api/v1/{resource}/" in paths, resource


def test_docs_page_loads_nothing_from_another_host():
    html = Client().get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
