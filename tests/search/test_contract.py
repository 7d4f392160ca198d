"""The search contract: every reachable backend returns the same ids for the same queries.

A fixed corpus of six postings and five programs (plus a draft and a closed one that must never
appear) is indexed into each backend; each query names the documents it must return. The
embedded FTS5 backend always runs; Elasticsearch runs when ELASTICSEARCH_URL is set:

    ELASTICSEARCH_URL=http://127.0.0.1:9200 make test PYTEST_ARGS="tests/search/test_contract.py"
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.db import transaction

from backend.occupations.models import CertificateType, Skill
from backend.regions.models import Division
from backend.text.analysis import reset_analyzer
from search.query import GeoPoint, Kind, SearchQuery, Sort
from search.services import documents_for, vocabulary
from tests import factories as f
from tests.services import need

TODAY = dt.date.today()


def _skills(*slugs: str) -> list[Skill]:
    return list(Skill.objects.filter(slug__in=slugs))


def _build_corpus() -> dict[str, tuple[Kind, int]]:
    """Creates the corpus; returns name -> (kind, id)."""
    names: dict[str, tuple[Kind, int]] = {}

    def job(name, *, occupation, county, wage, skills=(), **extra):
        employer = f.EmployerFactory(county=f.division(county), name=f"{name}用人单位")
        posting = f.PostingFactory(
            employer=employer, title=extra.pop("title", name), occupation=f.occupation(occupation),
            wage_min=wage[0], wage_max=wage[1], division=f.division(county), **extra,
        )  # fmt: skip
        posting.required_skills.set(_skills(*skills))
        names[name] = (Kind.JOB, posting.pk)

    def course(name, *, occupation, county, brand, start_in, skills=(), **extra):
        provider = f.ProviderFactory(county=f.division(county), name=f"{name}学校")
        program = f.ProgramFactory(
            provider=provider, title=extra.pop("title", name), occupation=f.occupation(occupation),
            brand=brand, venue_division=f.division(county), **extra,
        )  # fmt: skip
        program.skills.set(_skills(*skills))
        f.SessionFactory(program=program, start_date=TODAY + dt.timedelta(days=start_in),
                         end_date=TODAY + dt.timedelta(days=start_in + 30))  # fmt: skip
        names[name] = (Kind.TRAINING, program.pk)

    job("J1", title="金牌月嫂", occupation="母婴护理员", county="441881", wage=(6000, 9000),
        skills=("postpartum-recovery", "infant-feeding"), provides_lodging=True, provides_meals=True,
        description="照顾产妇和新生儿,住家,包吃住。")  # fmt: skip
    job("J2", title="电焊工", occupation="焊工", county="440605", wage=(6000, 8000), skills=("gmaw",),
        social_insurance=True, campaign="南粤春暖", description="二氧化碳保护焊,持证优先。",
        required_certificate=CertificateType.objects.get(slug="op-welding"))  # fmt: skip
    job("J3", title="普工(包装)", occupation="生产操作工", county="441900", wage=(4500, 6000), skills=("packing",),
        provides_lodging=True, provides_meals=True, description="电子厂流水线包装,长白班。")  # fmt: skip
    job("J4", title="叉车司机", occupation="叉车司机", county="440111", wage=(5500, 7000),
        skills=("forklift-driving",), description="仓库叉车作业,需持证上岗。")  # fmt: skip
    job("J5", title="住家保姆", occupation="家政服务员", county="441802", wage=(4000, 5500),
        skills=("home-cleaning", "home-cooking"), provides_lodging=True, description="做饭打扫卫生,照顾老人。")  # fmt: skip
    job("J6", title="粤菜厨师", occupation="中式烹调师", county="441881", wage=(5000, 7500), provides_meals=True,
        description="酒楼炒锅,会做粤菜。")  # fmt: skip
    job("J-draft", title="月嫂草稿", occupation="母婴护理员", county="441881", wage=(6000, 9000), status="draft",
        published_at=None)  # fmt: skip

    course("T1", title="南粤家政母婴护理培训班", occupation="母婴护理员", county="441881", brand="nanyue_homecare",
           start_in=20, skills=("postpartum-recovery", "infant-feeding"), is_free=True)  # fmt: skip
    course("T2", title="粤菜师傅中式烹调师培训", occupation="中式烹调师", county="441424", brand="yuecai", start_in=40,
           is_free=False, is_subsidised=True)  # fmt: skip
    course("T3", title="焊工特种作业培训", occupation="焊工", county="440605", brand="gd_technician", start_in=10,
           is_free=False, fee=1200, delivery="blended", online_url="https://training.example.cn/t3")  # fmt: skip
    course("T4", title="马兰花SYB创业培训", occupation="SYB创业培训", county="440106", brand="malanhua", start_in=5,
           delivery="online", online_url="https://training.example.cn/t4", is_free=True)  # fmt: skip
    course("T5", title="家政服务员技能培训", occupation="家政服务员", county="441802", brand="nanyue_homecare",
           start_in=60, is_free=True)  # fmt: skip
    course("T-closed", title="已关闭的月嫂培训", occupation="母婴护理员", county="441881", brand="nanyue_homecare",
           start_in=20, status="closed")  # fmt: skip
    return names


def _fts5(tmp_path):
    from search.backends.fts5 import FTS5Backend

    return FTS5Backend(tmp_path / "contract.sqlite3"), lambda: None


def _elasticsearch(tmp_path):
    url = os.environ.get("ELASTICSEARCH_URL", "")
    need(bool(url), "ELASTICSEARCH_URL (a running Elasticsearch 9 cluster)", installable_here=False)
    from backend.occupations.selectors import synonym_groups
    from search.backends.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend(
        url, index_prefix=f"sbtest-{uuid.uuid4().hex[:8]}", synonyms=synonym_groups()
    )
    return backend, backend.drop_all


BACKENDS = [
    pytest.param(_fts5, id="fts5"),
    pytest.param(_elasticsearch, id="elasticsearch", marks=pytest.mark.elasticsearch),
]


@pytest.fixture(scope="module", params=BACKENDS)
def indexed(request, django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[tuple[object, dict]]:
    """The corpus, indexed into one backend; the database rows are rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        reset_analyzer()
        names = _build_corpus()
        documents = {kind: list(documents_for(kind)) for kind in Kind}
        words = vocabulary()
        transaction.set_rollback(True)
    backend, cleanup = request.param(tmp_path_factory.mktemp("index"))
    backend.rebuild(documents, vocabulary=words)
    ids = {value: name for name, value in names.items()}
    yield backend, ids
    cleanup()


def found(indexed, **kwargs) -> list[str]:
    backend, ids = indexed
    result = backend.search(SearchQuery(page_size=50, **kwargs))
    return [ids.get((hit.kind, hit.id), f"?{hit.kind}:{hit.id}") for hit in result.hits]


QUERIES = [
    ("月嫂 finds 母婴护理员 jobs and courses", {"text": "月嫂"}, {"J1", "T1"}),
    ("电焊 finds 焊工", {"text": "电焊"}, {"J2", "T3"}),
    # 保姆's group (家政服务员) includes the broad 家政, so the 南粤家政 course T1 comes too.
    ("保姆 finds 家政服务员", {"text": "保姆"}, {"J5", "T5", "T1"}),
    ("厨师 finds 中式烹调师", {"text": "厨师"}, {"J6", "T2"}),
    ("叉车", {"text": "叉车"}, {"J4"}),
    ("pinyin jiazheng", {"text": "jiazheng"}, {"J5", "T5", "T1"}),
    ("county name and word", {"text": "英德 厨师"}, {"J6"}),
    ("a county code", {"division": "441900", "kinds": (Kind.JOB,)}, {"J3"}),
    ("a city code covers its counties", {"division": "440600"}, {"J2", "T3"}),
    ("清远 city", {"division": "441800"}, {"J1", "J5", "J6", "T1", "T5"}),
    ("brand", {"brands": ("nanyue_homecare",)}, {"T1", "T5"}),
    ("wage floor keeps jobs paying at least it", {"wage_floor": 7000}, {"J1", "J2", "J4", "J6"}),
    ("lodging", {"lodging": True}, {"J1", "J3", "J5"}),
    ("free or subsidised", {"free_or_subsidised": True}, {"T1", "T2", "T4", "T5"}),
    ("online delivery", {"delivery": ("online",)}, {"T4"}),
    (
        "start window",
        {"start_from": TODAY + dt.timedelta(days=1), "start_to": TODAY + dt.timedelta(days=30)},
        {"T1", "T3", "T4"},
    ),
    ("occupation", {"occupations": ("welder",)}, {"J2", "T3"}),
    ("skill", {"skills": ("infant-feeding",)}, {"J1", "T1"}),
    ("campaign", {"campaign": "南粤春暖"}, {"J2"}),
    ("text + filter", {"text": "月嫂", "kinds": (Kind.TRAINING,)}, {"T1"}),
    ("no draft, no closed", {"text": "月嫂", "division": "441881"}, {"J1", "T1"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params", "expected"), QUERIES, ids=[q[0] for q in QUERIES])
def test_same_ids_for_the_same_query(indexed, name, params, expected):
    assert set(found(indexed, **params)) == expected


@pytest.mark.django_db
def test_radius_around_a_county(indexed):
    yingde = Division.objects.get(code="441881")
    origin = GeoPoint(yingde.latitude, yingde.longitude)
    assert set(found(indexed, origin=origin, radius_km=30)) == {"J1", "J6", "T1"}


@pytest.mark.django_db
def test_distance_sort_and_distances(indexed):
    tianhe = Division.objects.get(code="440106")
    backend, _ = indexed
    result = backend.search(
        SearchQuery(origin=GeoPoint(tianhe.latitude, tianhe.longitude), sort=Sort.DISTANCE)
    )
    distances = [hit.distance_km for hit in result.hits]
    assert distances == sorted(distances)
    assert found(indexed, origin=GeoPoint(tianhe.latitude, tianhe.longitude), sort=Sort.DISTANCE)[:2] == [
        "T4",
        "J4",
    ]


@pytest.mark.django_db
def test_wage_sort(indexed):
    assert found(indexed, kinds=(Kind.JOB,), sort=Sort.WAGE) == ["J1", "J2", "J6", "J4", "J3", "J5"]


@pytest.mark.django_db
def test_relevance_puts_title_matches_first(indexed):
    assert found(indexed, text="月嫂")[0] == "J1"  # the word is in its title


@pytest.mark.django_db
def test_pages_partition_the_results(indexed):
    backend, ids = indexed
    query = SearchQuery(kinds=(Kind.JOB,), sort=Sort.WAGE, page_size=4)
    first, second = backend.search(query), backend.search(replace(query, page=2))
    assert first.total == second.total == 6
    names = [ids[(h.kind, h.id)] for h in first.hits + second.hits]
    assert names == ["J1", "J2", "J6", "J4", "J3", "J5"]


@pytest.mark.django_db
def test_facets_count_the_whole_match_set(indexed):
    backend, _ = indexed
    facets = backend.search(SearchQuery(page_size=1)).facets
    assert {v.value: v.count for v in facets["kind"]} == {"job": 6, "training": 5}
    assert {v.value: v.count for v in facets["brand"]} == {
        "nanyue_homecare": 2,
        "yuecai": 1,
        "gd_technician": 1,
        "malanhua": 1,
    }
    assert {v.value: v.count for v in facets["city"]}["441800"] == 5
    benefits = {v.value: v.count for v in facets["benefits"]}
    assert (benefits["lodging"], benefits["meals"], benefits["free"], benefits["subsidised"]) == (3, 3, 3, 1)
    bands = {v.value: v.count for v in facets["wage_band"]}
    assert bands == {"4000-6000": 4, "6000-8000": 2}  # by the bottom of each range


@pytest.mark.django_db
def test_highlight_marks_the_matched_word(indexed):
    backend, _ids = indexed
    (hit,) = list(backend.search(SearchQuery(text="电焊", kinds=(Kind.JOB,))).hits)
    assert "<mark>" in hit.fields["title_html"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["NEAR(", '"', "*", "OR", "AND NOT", "' OR 1=1 --", "😀", "x" * 500, "\x00", '月嫂"*']
)
def test_odd_input_is_searched_for_itself(indexed, text):
    backend, _ = indexed
    result = backend.search(SearchQuery(text=text))
    assert result.total >= 0


@pytest.mark.django_db
def test_suggest_by_prefix_and_pinyin(indexed):
    backend, _ = indexed
    assert "金牌月嫂" in [s.text for s in backend.suggest("金牌")]
    assert "月嫂" in [s.text for s in backend.suggest("yues")]
