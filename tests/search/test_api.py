"""GET /api/v1/search/ and /suggest/: every parameter parsed, bad ones a 400, odd text never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.services import index_rebuild, reset_backend
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def index(tmp_path, settings):
    """A small corpus in a throwaway index file."""
    settings.SEARCH_FTS5_PATH = str(tmp_path / "api-search.sqlite3")
    reset_backend()
    welder = f.PostingFactory(title="电焊工", occupation=f.occupation("焊工"), wage_min=6000, wage_max=8000,
                              provides_lodging=True)  # fmt: skip
    f.PostingFactory(title="普工", occupation=f.occupation("生产操作工"), division=f.division("441900"))
    f.ProgramFactory(title="南粤家政培训", occupation=f.occupation("家政服务员"), brand="nanyue_homecare")
    index_rebuild()
    yield welder
    reset_backend()


def test_search_returns_hits_facets_and_total(index):
    body = Client().get("/api/v1/search/", {"q": "电焊", "kind": "job"}).json()
    assert body["total"] == 1
    (hit,) = body["hits"]
    assert (hit["kind"], hit["id"], hit["title"]) == ("job", index.pk, "电焊工")
    assert {"kind", "city", "county", "occupation", "benefits"} <= set(body["facets"])
    labels = {v["value"]: v["label"] for v in body["facets"]["county"]}
    assert labels[index.division_id] == index.division.name


def test_every_filter_parameter_is_accepted():
    params = {
        "q": "工", "kind": "all", "division": "440000", "brand": "nanyue_homecare,yuecai", "occupation": "welder",
        "skill": "gmaw", "delivery": "offline", "wage_floor": 3000, "free": "true", "lodging": "true",
        "meals": "false", "social_insurance": "false", "campaign": "南粤春暖", "employer": 1, "provider": 1,
        "start_from": "2026-01-01", "start_to": "2026-12-31", "near": "441881", "radius_km": 100,
        "sort": "distance", "facets": "true", "page": 1, "page_size": 10,
    }  # fmt: skip
    assert Client().get("/api/v1/search/", params).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "distance"}, "near"),
        ({"radius_km": 5}, "near"),
        ({"near": "999999"}, "near"),
        ({"near": "91,500"}, "near"),
        ({"division": "4401"}, "division"),
        ({"kind": "house"}, "kind"),
        ({"page_size": 500}, "page_size"),
        ({"wage_floor": -1}, "wage_floor"),
        ({"start_from": "2026-05-01", "start_to": "2026-04-01"}, "start_to"),
        ({"brand": "nonesuch"}, "brand"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(params, field):
    response = Client().get("/api/v1/search/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert any(key.split(".")[0] == field for key in body["fields"]), body


def test_near_accepts_lat_lng_and_returns_distances():
    body = Client().get("/api/v1/search/", {"near": "23.02,113.75", "sort": "distance"}).json()
    distances = [h["distance_km"] for h in body["hits"]]
    assert distances == sorted(distances)
    assert distances[0] is not None


def test_suggest():
    body = Client().get("/api/v1/search/suggest/", {"q": "电焊"}).json()
    assert "电焊工" in [s["text"] for s in body["suggestions"]]


def test_schema_documents_every_search_parameter():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert {
        "q",
        "kind",
        "division",
        "brand",
        "near",
        "radius_km",
        "sort",
        "page",
        "wage_floor",
        "start_from",
    } <= names


odd_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(['"', "'", "NEAR(", "NEAR(a b, 2)", "*", "OR", "AND", "NOT", "^", "a:b", "{title}", "(", ")",
                     "' OR 1=1 --", "; DROP TABLE docs; --", "😀🙂", "\x00", "x" * 10_000, "月嫂\"", "jz*"]),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=odd_text, extra=st.dictionaries(st.sampled_from(["division", "near", "sort", "page", "brand", "radius_km"]),
                                          st.text(max_size=20), max_size=2))  # fmt: skip
def test_arbitrary_input_is_200_or_400_never_500(q, extra):
    client = Client()
    response = client.get("/api/v1/search/", {"q": q, **extra})
    assert response.status_code in (200, 400), response.content[:300]
    suggest = client.get("/api/v1/search/suggest/", {"q": q})
    assert suggest.status_code in (200, 400)
