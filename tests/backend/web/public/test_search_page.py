"""/search/: results through the search service, facets, paging, and bad input never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(search_index):
    welder = f.PostingFactory(
        title="电焊工", occupation=f.occupation("焊工"), wage_min=6000, wage_max=8000, provides_lodging=True,
        provides_meals=True, description="熟练电焊,<script>alert(1)</script> 包吃住",
    )  # fmt: skip
    f.PostingFactory(title="普工", occupation=f.occupation("生产操作工"), division=f.division("441900"))
    course = f.ProgramFactory(
        title="南粤家政培训", occupation=f.occupation("家政服务员"), brand="nanyue_homecare"
    )
    f.SessionFactory(program=course)
    search_index()
    return {"welder": welder, "course": course}


def test_results_are_rendered_with_safe_highlights(client, corpus):
    response = client.get("/search/", {"q": "电焊"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/jobs/{corpus["welder"].pk}/"' in html
    assert "<mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "找到 1 个结果" in html


def test_tabs_filter_by_kind_and_link_without_the_other_kinds_filters(client, corpus):
    html = client.get("/search/", {"kind": "training", "brand": "nanyue_homecare"}).content.decode()
    assert f'href="/courses/{corpus["course"].pk}/"' in html
    assert "/jobs/" not in html.split('class="hits"')[1]
    job_tab = next(line for line in html.splitlines() if "kind=job" in line and "tabs" not in line)
    assert "brand=" not in job_tab


def test_facet_filter_and_counts(client, corpus):
    html = client.get("/search/", {"kind": "job", "lodging": "true"}).content.decode()
    assert "电焊工" in html
    assert "普工</a>" not in html
    assert 'name="lodging" value="true" checked' in html
    assert '包住 <span class="count">(1)</span>' in html


def test_division_select_lists_cities_then_the_chosen_citys_counties(client, corpus):
    html = client.get("/search/", {"kind": "job"}).content.decode()
    assert 'value="441800"' in html
    assert 'value="441900"' in html
    assert 'value="441881"' not in html
    html = client.get("/search/", {"kind": "job", "division": "441800"}).content.decode()
    assert 'value="441800" selected' in html
    assert 'value="441881"' in html
    html = client.get("/search/", {"kind": "job", "division": "441900"}).content.decode()
    assert 'value="441900" selected' in html
    assert "电焊工" not in html


@pytest.mark.parametrize(
    ("params", "field", "kept"),
    [
        ({"wage_floor": "abc"}, "wage_floor", 'value="abc"'),
        ({"wage_floor": "-5"}, "wage_floor", 'value="-5"'),
        ({"start_from": "2026-05-01", "start_to": "2026-04-01"}, "start_to", 'value="2026-04-01"'),
        ({"start_from": "yesterday"}, "start_from", 'value="yesterday"'),
        ({"division": "44"}, "division", 'value="44" selected'),
        ({"sort": "distance"}, "near", None),
        ({"brand": "nonesuch"}, "brand", None),
        ({"page": "100000"}, "page", None),
    ],
)
def test_bad_parameters_show_the_form_with_messages_and_what_was_typed(client, corpus, params, field, kept):
    response = client.get("/search/", {"q": "电焊", **params})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert f'href="#f-{field}"' in html
    assert 'value="电焊"' in html  # the search text survives too
    if kept:
        assert kept in html
        assert f'id="err-{field}"' in html


def test_near_my_county_is_offered_to_a_worker_and_sorts_by_distance(worker_client, corpus):
    html = worker_client.get("/search/").content.decode()
    assert 'name="near" value="441881"' in html
    assert 'value="distance"' in html
    response = worker_client.get("/search/", {"near": "441881", "radius_km": "30", "sort": "distance"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "电焊工" in html
    assert "普工</a>" not in html
    assert "公里" in html


def test_anonymous_users_are_not_offered_distance(client, corpus):
    html = client.get("/search/").content.decode()
    assert 'value="distance"' not in html
    assert 'name="near"' not in html


def test_pagination_links_work_without_javascript(client, search_index):
    for n in range(25):
        f.PostingFactory(title=f"普工{n}")
    search_index()
    html = client.get("/search/", {"q": "普工"}).content.decode()
    assert "找到 25 个结果" in html
    assert 'href="?q=%E6%99%AE%E5%B7%A5&amp;page=2"' in html
    assert 'rel="next"' in html
    html = client.get("/search/", {"q": "普工", "page": "2"}).content.decode()
    assert 'rel="prev"' in html
    assert 'start="21"' in html
    assert html.count('class="result-link"') == 5


def test_unknown_parameters_are_ignored(client, corpus):
    assert client.get("/search/", {"q": "电焊", "utm_source": "wechat", "facets": "false"}).status_code == 200


def test_the_search_page_runs_a_bounded_number_of_queries(
    worker_client, corpus, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        worker_client.get("/search/", {"q": "电焊", "near": "441881", "division": "441800"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(["q", "kind", "division", "brand", "wage_floor", "near", "radius_km", "sort", "page",
                         "start_from", "occupation", "delivery", "lodging"]),
        st.text(max_size=30),
        max_size=5,
    )
)  # fmt: skip
def test_any_parameters_give_a_page_never_a_500(search_index, params):
    response = Client().get("/search/", params)
    assert response.status_code in (200, 400)
