"""The Elasticsearch backend, checked as data: mapping, request bodies, alias swap, parsing.

No server here: the pure functions that build what is sent are asserted directly. The one
round trip against a real cluster is marked `elasticsearch` and runs when ELASTICSEARCH_URL is
set (it skips on a laptop and fails in CI, see tests/services.py).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from backend.text.analysis import Analyzer, reset_analyzer
from search.backends.elasticsearch import (
    VOCABULARY,
    AliasSwap,
    ElasticsearchBackend,
    IndexCountMismatch,
    alias_actions,
    check_count,
)
from search.backends.es_mapping import (
    PINYIN_MAX_GRAM,
    SCHEMA_VERSION,
    SUGGEST_SEPARATOR,
    UNICODE61_SEPARATORS,
    added_properties,
    choose_analyzer,
    mapping,
    parse_suggest_input,
    suggest_inputs,
    synonym_rules,
    to_source,
    vocabulary_source,
)
from search.backends.es_query import (
    DISTANCE_SCRIPT,
    division_field,
    hashes_body,
    parse_facets,
    parse_hashes,
    parse_hit,
    parse_suggestions,
    readable,
    search_body,
    suggest_body,
)
from search.documents import IndexDocument
from search.query import BENEFITS, ONE_KIND_FILTERS, WAGE_BANDS, GeoPoint, Kind, SearchQuery, Sort
from tests.search.test_query import ONE_KIND_VALUES
from tests.services import need

SYNONYMS = [["厨师", "炒菜师傅", "厨子"], ["普工", "操作工"], ["单独一个"], ["含,逗号", "x"]]


@pytest.fixture(autouse=True)
def _analyzer():
    """The shared analysis built from a word list instead of the taxonomy tables (no database)."""
    reset_analyzer(Analyzer(words=["电子厂", "普工", "厨师", "焊工"], synonym_groups=[["普工", "操作工"]]))
    yield
    reset_analyzer()


@dataclass
class Term:
    """Stands in for analysis.QueryTerm: a token and its synonym alternatives (phrases)."""

    token: str
    alternatives: list[tuple[str, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.alternatives = self.alternatives or [(self.token,)]


def document(**overrides: Any) -> IndexDocument:
    values: dict[str, Any] = {
        "kind": Kind.JOB,
        "id": 7,
        "title": "东莞电子厂普工",
        "body": "长白班，包吃住，月薪6000元。",
        "title_tokens": "东莞 电子 电子厂 普工",
        "body_tokens": "长白 白班 长白班 包 吃住 月薪 6000 元",
        "pinyin": "dongguandianzichangpugong dgdzcpg",
        "occupation": "electronics-assembler",
        "skills": ["soldering"],
        "brand": "",
        "delivery": "",
        "county": "441900",
        "city": "441900",
        "province": "440000",
        "lat": 23.02,
        "lng": 113.75,
        "wage_min": 5000,
        "wage_max": 6500,
        "free": False,
        "subsidised": False,
        "lodging": True,
        "meals": True,
        "social_insurance": True,
        "couple_rooms": False,
        "campaign": "",
        "employer_id": 3,
        "provider_id": None,
        "session_starts": [],
        "published": True,
        "published_at": dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC),
        "display": {"employer": "某电子厂"},
    }
    values.update(overrides)
    return IndexDocument(**values)


def bool_of(clause: dict[str, Any]) -> dict[str, Any]:
    assert set(clause) == {"bool"}, clause
    return clause["bool"]


def clause_with(filters: list[dict[str, Any]], needle: dict[str, Any]) -> dict[str, Any]:
    """The filter clause that holds `needle` inside a kind guard."""
    found = [c for c in filters if "bool" in c and needle in c["bool"].get("filter", [])]
    assert len(found) == 1, (needle, filters)
    return found[0]


# -- mapping ------------------------------------------------------------------------------


def test_cjk_mapping_spells_out_bigrams_and_adds_inline_synonyms_at_search_time():
    body = mapping("cjk", SYNONYMS)
    analysis = body["settings"]["analysis"]

    assert analysis["analyzer"]["sb_title"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["cjk_width", "lowercase", "cjk_bigram"],
    }
    assert analysis["analyzer"]["sb_title_search"]["filter"] == [
        "cjk_width",
        "lowercase",
        "cjk_bigram",
        "sb_synonyms",
    ]
    assert analysis["filter"]["sb_synonyms"] == {
        "type": "synonym_graph",
        "synonyms": ["厨师, 炒菜师傅, 厨子", "普工, 操作工"],
        "lenient": True,
    }
    title = body["mappings"]["properties"]["title"]
    assert title == {"type": "text", "analyzer": "sb_title", "search_analyzer": "sb_title_search"}
    assert body["mappings"]["_meta"]["analyzer"] == "cjk"


@pytest.mark.parametrize(
    ("analyzer", "index_tokenizer", "search_tokenizer"),
    [("smartcn", "smartcn_tokenizer", "smartcn_tokenizer"), ("ik", "ik_max_word", "ik_smart")],
)
def test_plugin_analyzers_name_their_tokenizers(analyzer, index_tokenizer, search_tokenizer):
    analyzers = mapping(analyzer, SYNONYMS)["settings"]["analysis"]["analyzer"]

    assert analyzers["sb_title"]["tokenizer"] == index_tokenizer
    assert analyzers["sb_title_search"]["tokenizer"] == search_tokenizer
    assert analyzers["sb_title_search"]["filter"][-1] == "sb_synonyms"
    assert "sb_synonyms" not in analyzers["sb_title"]["filter"]  # synonyms at search time only


def test_without_synonyms_no_synonym_filter_is_declared():
    analysis = mapping("cjk", None)["settings"]["analysis"]

    assert "sb_synonyms" not in analysis["filter"]
    assert "sb_synonyms" not in analysis["analyzer"]["sb_title_search"]["filter"]


def test_unknown_analyzer_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        mapping("jieba", None)


def test_token_fields_are_resplit_like_the_fts5_unicode61_tokenizer():
    body = mapping("cjk", None)
    analysis, properties = body["settings"]["analysis"], body["mappings"]["properties"]

    assert analysis["tokenizer"]["sb_unicode61"] == {"type": "pattern", "pattern": UNICODE61_SEPARATORS}
    assert UNICODE61_SEPARATORS == r"[^\p{L}\p{N}\p{M}_\-]+"  # tokenchars '_-', like FTS5
    assert analysis["analyzer"]["sb_tokens"] == {
        "type": "custom",
        "tokenizer": "sb_unicode61",
        "filter": ["lowercase", "asciifolding"],
    }
    for name in ("title_tokens", "body_tokens"):
        assert properties[name] == {"type": "text", "analyzer": "sb_tokens", "index_options": "offsets"}


def test_pinyin_has_an_edge_ngram_prefix_subfield():
    body = mapping("cjk", None)
    pinyin = body["mappings"]["properties"]["pinyin"]

    assert pinyin["analyzer"] == "sb_tokens"
    assert pinyin["fields"]["prefix"] == {
        "type": "text",
        "analyzer": "sb_pinyin_prefix",
        "search_analyzer": "sb_tokens",
    }
    assert body["settings"]["analysis"]["analyzer"]["sb_pinyin_prefix"]["filter"][-1] == "sb_pinyin_edge"
    assert body["settings"]["analysis"]["filter"]["sb_pinyin_edge"] == {
        "type": "edge_ngram",
        "min_gram": 1,
        "max_gram": PINYIN_MAX_GRAM,
    }


def test_filter_sort_geo_display_and_suggest_fields():
    body = mapping("cjk", None)
    properties = body["mappings"]["properties"]

    assert body["mappings"]["dynamic"] == "strict"
    for name in ("kind", "occupation", "brand", "delivery", "county", "city", "province"):
        assert properties[name] == {"type": "keyword"}, name
    for name in ("skills", "campaign"):  # matched like FTS5 tags: lowercased, spaces removed
        assert properties[name] == {"type": "keyword", "normalizer": "sb_tag"}, name
    analysis = body["settings"]["analysis"]
    tag = {"type": "custom", "char_filter": ["sb_no_spaces"], "filter": ["lowercase"]}
    assert analysis["normalizer"]["sb_tag"] == tag
    no_spaces = {"type": "pattern_replace", "pattern": r"\s+", "replacement": ""}
    assert analysis["char_filter"]["sb_no_spaces"] == no_spaces
    for name in ("id", "wage_min", "wage_max", "employer_id", "provider_id"):
        assert properties[name] == {"type": "integer"}, name
    for name in ("free", "subsidised", "lodging", "meals", "social_insurance", "couple_rooms", "published"):
        assert properties[name] == {"type": "boolean"}, name
    assert properties["session_starts"]["type"] == "date"
    assert properties["published_at"] == {"type": "date"}
    assert properties["location"] == {"type": "geo_point"}
    assert properties["display"] == {"type": "object", "enabled": False}
    assert properties["body"] == {"type": "text", "index": False}
    assert properties["suggest"]["type"] == "completion"
    assert properties["suggest"]["analyzer"] == "sb_suggest"
    assert body["settings"]["analysis"]["analyzer"]["sb_suggest"]["tokenizer"] == "keyword"
    assert body["settings"]["index"]["max_result_window"] == 500 * 50  # the deepest page allowed


def test_synonym_rules_skip_lone_words_duplicates_and_rule_syntax():
    assert synonym_rules([["a", " b ", "a"], ["c"], ["d,e", "f"], ["g=>h", "i", "j"], []]) == ["a, b", "i, j"]
    assert synonym_rules(None) == []


# -- analyzer probe ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_plugins", "expected"),
    [
        ([{"analysis-ik", "analysis-smartcn"}, {"analysis-ik"}], "ik"),
        ([{"analysis-ik", "analysis-smartcn"}, {"analysis-smartcn"}], "smartcn"),  # ik missing on a node
        ([{"analysis-smartcn"}], "smartcn"),
        ([{"repository-s3"}, set()], "cjk"),
        ([], "cjk"),
    ],
)
def test_auto_prefers_ik_then_smartcn_when_every_node_has_it(node_plugins, expected):
    assert choose_analyzer("auto", node_plugins) == expected


def test_an_explicit_analyzer_is_used_as_given():
    assert choose_analyzer("smartcn", []) == "smartcn"
    with pytest.raises(ValueError, match="unknown"):
        choose_analyzer("standard", [])


# -- documents -------------------------------------------------------------------------------


def test_source_drops_empty_strings_and_builds_location_and_dates():
    source = to_source(document(session_starts=[dt.date(2025, 4, 1)]))

    assert source["id"] == 7
    assert source["kind"] == "job"
    assert source["brand"] is None
    assert source["campaign"] is None
    assert source["location"] == {"lat": 23.02, "lon": 113.75}
    assert source["session_starts"] == ["2025-04-01"]
    assert source["published_at"] == "2025-03-01T09:30:00+00:00"
    assert source["display"] == {"employer": "某电子厂"}
    assert {parse_suggest_input(i) for i in source["suggest"][0]["input"]} == {("东莞电子厂普工", "title")}
    assert source["suggest"][0]["input"][0] == "东莞电子厂普工\t东莞电子厂普工\ttitle"


def test_the_mapping_stores_a_content_hash_that_is_never_searched():
    body = mapping("cjk", None)

    assert body["mappings"]["properties"]["content_hash"] == {
        "type": "keyword",
        "index": False,
        "doc_values": False,
    }
    assert body["mappings"]["_meta"]["schema_version"] == SCHEMA_VERSION == 2
    # An index built before the field is given it in place (dynamic: strict would refuse the write).
    assert added_properties() == {"content_hash": body["mappings"]["properties"]["content_hash"]}


def test_source_carries_the_documents_content_hash():
    doc = document()

    assert to_source(doc)["content_hash"] == doc.content_hash
    assert len(doc.content_hash) == 32


def test_reconcile_scrolls_only_the_stored_hashes():
    assert hashes_body() == {"query": {"match_all": {}}, "_source": ["content_hash"]}
    hits = [{"_id": "7", "_source": {"content_hash": "ab" * 16}}, {"_id": "8", "_source": {}}]
    assert parse_hashes(hits) == {7: "ab" * 16, 8: ""}  # 8: written before hashes existed


def test_source_omits_location_without_coordinates():
    assert "location" not in to_source(document(lat=None, lng=None))


def test_suggest_inputs_carry_the_text_and_kind_behind_each_spelling():
    entry = suggest_inputs("焊工\t证", "skill", 2)

    assert entry is not None
    assert entry["weight"] == 2
    first = entry["input"][0]
    assert first.count(SUGGEST_SEPARATOR) == 2
    assert parse_suggest_input(first) == ("焊工 证", "skill")  # the tab inside the name was replaced
    assert all(parse_suggest_input(i) == ("焊工 证", "skill") for i in entry["input"])
    spellings = [i.split(SUGGEST_SEPARATOR)[0] for i in entry["input"]]
    assert spellings[0] == "焊工证"  # the normalised text without spaces, then its pinyin forms
    assert {"hangongzheng", "hgz", "hangong", "hg"} <= set(spellings)
    assert suggest_inputs("  ", "skill", 2) is None
    assert suggest_inputs("焊工", "employer", 2) is None
    assert parse_suggest_input("no separators") is None


def test_vocabulary_documents_hold_only_a_suggest_entry():
    source = vocabulary_source("电工", "occupation")

    assert source is not None
    assert source["kind"] == "occupation"
    assert parse_suggest_input(source["suggest"][0]["input"][0]) == ("电工", "occupation")


# -- search body: text ----------------------------------------------------------------------


def phrase_pair(phrase: str) -> list[dict[str, Any]]:
    return [
        {"match_phrase": {"title_tokens": {"query": phrase, "boost": 3}}},
        {"match_phrase": {"body_tokens": {"query": phrase}}},
    ]


def test_every_term_must_match_one_of_its_alternatives_as_a_phrase_in_either_token_field():
    terms = [Term("厨师", [("厨师",), ("炒菜", "师傅")]), Term("东莞")]
    body = search_body(SearchQuery(text="东莞厨师"), terms, pinyin=False)
    query = bool_of(body["query"])

    assert query["must"] == [
        {"bool": {"should": phrase_pair("厨师") + phrase_pair("炒菜 师傅"), "minimum_should_match": 1}},
        {"bool": {"should": phrase_pair("东莞"), "minimum_should_match": 1}},
    ]
    # the CJK title field scores but cannot decide a match: a should next to a must
    assert query["should"] == [{"match": {"title": {"query": "东莞厨师"}}}]
    assert "minimum_should_match" not in query


def test_a_pinyin_query_may_match_the_pinyin_terms_instead():
    body = search_body(SearchQuery(text="ChuShi"), [Term("chushi")], pinyin=True)
    (either,) = bool_of(body["query"])["must"]

    assert bool_of(either)["minimum_should_match"] == 1
    words, pinyin = bool_of(either)["should"]
    assert words == {
        "bool": {"must": [{"bool": {"should": phrase_pair("chushi"), "minimum_should_match": 1}}]}
    }
    assert pinyin == {
        "bool": {
            "should": [{"term": {"pinyin": "chushi"}}, {"term": {"pinyin.prefix": "chushi"}}],
            "minimum_should_match": 1,
        }
    }


def test_pinyin_alone_when_no_term_is_left():
    body = search_body(SearchQuery(text="dg"), [], pinyin=True)

    assert bool_of(body["query"])["must"] == [
        {
            "bool": {
                "should": [{"term": {"pinyin": "dg"}}, {"term": {"pinyin.prefix": "dg"}}],
                "minimum_should_match": 1,
            }
        }
    ]


def test_text_with_nothing_to_look_for_matches_nothing():
    body = search_body(SearchQuery(text="！！"), [], pinyin=False)

    assert bool_of(body["query"])["must"] == [{"match_none": {}}]


def test_empty_text_matches_everything_that_passes_the_filters():
    assert search_body(SearchQuery(published_only=False), [], pinyin=False)["query"] == {"match_all": {}}
    body = search_body(SearchQuery(), [], pinyin=False)
    assert body["query"] == {"bool": {"filter": [{"term": {"published": True}}]}}
    assert "highlight" not in body


# -- search body: filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "field_name"),
    [("440000", "province"), ("441900", "city"), ("440300", "city"), ("441881", "county")],
)
def test_a_division_code_is_matched_at_its_level(code, field_name):
    assert division_field(code) == field_name
    filters = bool_of(search_body(SearchQuery(division=code), [], pinyin=False)["query"])["filter"]
    assert {"term": {field_name: code}} in filters


def test_shared_filters():
    query = SearchQuery(
        kinds=(Kind.TRAINING,),
        occupations=("welder", "electrician"),
        skills=("tig", "mig"),
        origin=GeoPoint(22.5, 113.4),
        radius_km=25,
    )
    filters = bool_of(search_body(query, [], pinyin=False)["query"])["filter"]

    assert filters[:2] == [{"terms": {"kind": ["training"]}}, {"term": {"published": True}}]
    assert {"terms": {"occupation": ["welder", "electrician"]}} in filters  # any of
    assert {"term": {"skills": "tig"}} in filters  # all of
    assert {"term": {"skills": "mig"}} in filters
    assert {"geo_distance": {"distance": "25km", "location": {"lat": 22.5, "lon": 113.4}}} in filters


def kind_guard(clause: dict[str, Any], kind: str) -> None:
    """The clause can only be satisfied by documents of `kind`: a filter on the kind sits
    beside the condition, and nothing lets the other kind through."""
    inner = bool_of(clause)
    assert set(inner) == {"filter"}, inner  # no should / must_not escape hatch
    assert inner["filter"][0] == {"term": {"kind": kind}}


@pytest.mark.parametrize(
    ("overrides", "condition"),
    [
        ({"wage_floor": 6000}, {"range": {"wage_max": {"gte": 6000}}}),
        ({"lodging": True}, {"term": {"lodging": True}}),
        ({"meals": True}, {"term": {"meals": True}}),
        ({"social_insurance": True}, {"term": {"social_insurance": True}}),
        ({"campaign": "nanyue-spring"}, {"term": {"campaign": "nanyue-spring"}}),
        ({"employer": 12}, {"term": {"employer_id": 12}}),
    ],
)
def test_job_only_filters_exclude_trainings(overrides, condition):
    filters = bool_of(search_body(SearchQuery(**overrides), [], pinyin=False)["query"])["filter"]

    kind_guard(clause_with(filters, condition), "job")


@pytest.mark.parametrize(
    ("overrides", "condition"),
    [
        ({"brands": ("yuecai",)}, {"terms": {"brand": ["yuecai"]}}),
        ({"delivery": ("online", "blended")}, {"terms": {"delivery": ["online", "blended"]}}),
        ({"provider": 4}, {"term": {"provider_id": 4}}),
        (
            {"free_or_subsidised": True},
            {
                "bool": {
                    "should": [{"term": {"free": True}}, {"term": {"subsidised": True}}],
                    "minimum_should_match": 1,
                }
            },
        ),
        (
            {"start_from": dt.date(2025, 5, 1), "start_to": dt.date(2025, 6, 30)},
            {"range": {"session_starts": {"gte": "2025-05-01", "lte": "2025-06-30"}}},
        ),
        ({"start_from": dt.date(2025, 5, 1)}, {"range": {"session_starts": {"gte": "2025-05-01"}}}),
    ],
)
def test_training_only_filters_exclude_jobs(overrides, condition):
    filters = bool_of(search_body(SearchQuery(**overrides), [], pinyin=False)["query"])["filter"]

    kind_guard(clause_with(filters, condition), "training")


@pytest.mark.parametrize("name", ONE_KIND_FILTERS)
def test_every_one_kind_filter_is_guarded_by_its_kind(name):
    filters = bool_of(search_body(SearchQuery(**{name: ONE_KIND_VALUES[name]}), [], pinyin=False)["query"])[
        "filter"
    ]
    guarded = [f for f in filters if "bool" in f and "filter" in f["bool"]]

    assert len(guarded) == 1
    kind_guard(guarded[0], str(ONE_KIND_FILTERS[name]))


def test_both_kinds_asked_adds_no_kind_filter():
    filters = bool_of(search_body(SearchQuery(published_only=True), [], pinyin=False)["query"])["filter"]

    assert not any("terms" in f and "kind" in f["terms"] for f in filters)


# -- search body: sort, paging, distance, facets, highlight -------------------------------------

ORIGIN = GeoPoint(23.0, 113.7)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            SearchQuery(text="焊工"),
            [
                {"_score": {"order": "desc"}},
                {"published_at": {"order": "desc", "missing": "_last"}},
                {"id": {"order": "desc"}},
            ],
        ),
        (
            SearchQuery(sort=Sort.DISTANCE, origin=ORIGIN),
            [
                {
                    "_geo_distance": {
                        "location": {"lat": 23.0, "lon": 113.7},
                        "order": "asc",
                        "unit": "km",
                        "distance_type": "arc",
                        "ignore_unmapped": True,
                    }
                },
                {"id": {"order": "asc"}},
            ],
        ),
        (
            SearchQuery(sort=Sort.WAGE),
            [{"wage_max": {"order": "desc", "missing": "_last"}}, {"id": {"order": "desc"}}],
        ),
        (
            SearchQuery(sort=Sort.NEWEST),
            [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": {"order": "desc"}}],
        ),
    ],
)
def test_sorts_end_in_a_deterministic_id_tie_break(query, expected):
    # ...and then kind, since a job and a training may share an id.
    assert search_body(query, [Term("焊工")], pinyin=False)["sort"] == [*expected, {"kind": {"order": "asc"}}]


def test_paging_and_exact_totals():
    body = search_body(SearchQuery(page=3, page_size=10), [], pinyin=False)

    assert (body["from"], body["size"], body["track_total_hits"]) == (20, 10, True)
    assert body["_source"] == ["id", "kind", "title", "body", "display"]


def test_an_origin_asks_for_each_hits_distance_in_km():
    body = search_body(SearchQuery(origin=ORIGIN), [], pinyin=False)

    assert body["script_fields"] == {
        "distance_km": {"script": {"source": DISTANCE_SCRIPT, "params": {"lat": 23.0, "lon": 113.7}}}
    }
    assert "script_fields" not in search_body(SearchQuery(), [], pinyin=False)


def test_facets_are_aggregations_over_the_filtered_set():
    aggs = search_body(SearchQuery(), [], pinyin=False)["aggs"]

    assert aggs["kind"] == {"terms": {"field": "kind", "size": 10}}
    assert aggs["county"] == {"terms": {"field": "county", "size": 200}}
    for name in ("city", "brand", "occupation", "delivery"):
        assert aggs[name]["terms"]["field"] == name
    ranges = aggs["wage_band"]["range"]
    assert ranges["field"] == "wage_min"
    assert [(r["key"], r["from"], r.get("to")) for r in ranges["ranges"]] == list(WAGE_BANDS)
    assert aggs["benefits"] == {"filters": {"filters": {name: {"term": {name: True}} for name in BENEFITS}}}
    assert "aggs" not in search_body(SearchQuery(facets=False), [], pinyin=False)


def test_highlight_marks_the_body_tokens_html_encoded():
    body = search_body(SearchQuery(text="焊工"), [Term("焊工")], pinyin=False)

    assert body["highlight"] == {
        "fields": {"body_tokens": {"number_of_fragments": 1, "fragment_size": 150}},
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
    }
    assert "highlight" not in search_body(
        SearchQuery(text="焊工", highlight=False), [Term("焊工")], pinyin=False
    )


# -- responses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("中华 华人 人民 共和 共和国 中华人民共和国 招聘", "中华人民共和国招聘"),
        ("招聘 <mark>厨师</mark> 师长 厨师长 月薪 8000 元", "招聘<mark>厨师长</mark>月薪8000元"),
        ("<mark>电子 厂</mark> 普工", "<mark>电子厂</mark>普工"),
        ("<mark>东莞</mark> <mark>厨师</mark> 包 吃住", "<mark>东莞厨师</mark>包吃住"),
        ("python developer <mark>java</mark> javascript", "python developer <mark>java</mark> javascript"),
        ("会 excel 和 word 优先", "会excel和word优先"),
        ("a &amp; b &lt;i&gt;", "a &amp; b &lt;i&gt;"),
    ],
)
def test_readable_turns_a_token_fragment_back_into_chinese(fragment, expected):
    assert readable(fragment) == expected


def raw_hit(**extra: Any) -> dict[str, Any]:
    return {
        "_index": "skillbridge-job-20250101",
        "_id": "7",
        "_score": 2.5,
        "_source": {
            "id": 7,
            "kind": "job",
            "title": "东莞普工",
            "body": "包吃住，长白班",
            "display": {"wage_min": 5000},
        },
        **extra,
    }


def test_a_hit_takes_its_snippet_from_the_body_fragment_and_its_distance_from_the_script_field():
    hit = parse_hit(
        raw_hit(
            highlight={"body_tokens": ["<mark>包</mark> 吃住 长白 白班 长白班"]},
            fields={"distance_km": [12.345]},
        ),
        pattern=None,
        highlight=True,
    )

    assert (hit.kind, hit.id, hit.score, hit.title) == (Kind.JOB, 7, 2.5, "东莞普工")
    assert hit.snippet == "<mark>包</mark>吃住长白班"
    assert hit.distance_km == 12.3
    assert hit.fields["wage_min"] == 5000
    assert hit.fields["title_html"] == "东莞普工"


def test_a_hit_without_fragment_falls_back_to_the_body_and_without_highlight_has_no_snippet():
    assert parse_hit(raw_hit(), pattern=None, highlight=True).snippet == "包吃住，长白班"
    plain = parse_hit(raw_hit(_score=None), pattern=None, highlight=False)
    assert (plain.snippet, plain.score, plain.distance_km) == ("", 0.0, None)
    assert "title_html" not in plain.fields


def test_facets_are_ordered_by_count_and_empty_buckets_dropped():
    aggregations = {
        "kind": {"buckets": [{"key": "job", "doc_count": 3}, {"key": "training", "doc_count": 5}]},
        "county": {"buckets": [{"key": "441881", "doc_count": 2}, {"key": "441802", "doc_count": 2}]},
        "wage_band": {
            "buckets": [
                {"key": "<4000", "from": 0, "to": 4000, "doc_count": 0},
                {"key": "4000-6000", "from": 4000, "to": 6000, "doc_count": 1},
                {"key": "6000-8000", "from": 6000, "to": 8000, "doc_count": 2},
            ]
        },
        "benefits": {
            "buckets": {"lodging": {"doc_count": 1}, "meals": {"doc_count": 4}, "free": {"doc_count": 0}}
        },
    }
    facets = parse_facets(aggregations)

    assert [(v.value, v.count) for v in facets["kind"]] == [("training", 5), ("job", 3)]
    assert [v.value for v in facets["county"]] == ["441802", "441881"]
    assert [(v.value, v.count) for v in facets["wage_band"]] == [("6000-8000", 2), ("4000-6000", 1)]
    assert [(v.value, v.label, v.count) for v in facets["benefits"]] == [
        ("meals", "meals", 4),
        ("lodging", "lodging", 1),
    ]
    assert facets["brand"] == []


def test_suggest_body_is_a_completion_on_the_suggest_field():
    assert suggest_body("chu", size=25) == {
        "suggest": {
            "names": {
                "prefix": "chu",
                "completion": {"field": "suggest", "size": 25, "skip_duplicates": True},
            }
        },
        "_source": False,
        "size": 0,
    }


def test_suggestions_come_back_in_chinese_once_each_heaviest_first_then_shortest():
    def option(spelling: str, text: str, kind: str, weight: float) -> dict[str, Any]:
        return {"text": SUGGEST_SEPARATOR.join((spelling, text, kind)), "_score": weight}

    response = {
        "suggest": {
            "names": [
                {
                    "text": "chu",
                    "options": [
                        option("chushi", "厨师", "occupation", 2),
                        option("cs", "厨师", "occupation", 2),
                        option("chushizhang", "厨师长", "skill", 2),
                        option("chushi", "厨师", "title", 1),
                        option("chuzhongcaiyi", "厨中菜艺培训", "title", 1),
                        {"text": "stray", "_score": 9},
                    ],
                }
            ]
        }
    }
    suggestions = parse_suggestions(response, limit=3)

    assert [(s.text, s.kind) for s in suggestions] == [
        ("厨师", "occupation"),
        ("厨师长", "skill"),
        ("厨中菜艺培训", "title"),
    ]


# -- rebuild: alias swap and count check ------------------------------------------------------


def test_one_update_aliases_request_swaps_every_kind():
    swaps = [
        AliasSwap("sb-job", "sb-job-2", ("sb-job-1",)),
        AliasSwap("sb-training", "sb-training-2", ()),
        AliasSwap("sb-vocabulary", "sb-vocabulary-2", ("sb-vocabulary-0", "sb-vocabulary-1")),
    ]

    assert alias_actions(swaps) == [
        {"remove": {"index": "sb-job-1", "alias": "sb-job"}},
        {"add": {"index": "sb-job-2", "alias": "sb-job"}},
        {"add": {"index": "sb-training-2", "alias": "sb-training"}},
        {"remove": {"index": "sb-vocabulary-0", "alias": "sb-vocabulary"}},
        {"remove": {"index": "sb-vocabulary-1", "alias": "sb-vocabulary"}},
        {"add": {"index": "sb-vocabulary-2", "alias": "sb-vocabulary"}},
    ]


def test_a_concrete_index_squatting_the_alias_name_is_removed_in_the_same_request():
    assert alias_actions([AliasSwap("sb-job", "sb-job-2", (), squatter=True)]) == [
        {"remove_index": {"index": "sb-job"}},
        {"add": {"index": "sb-job-2", "alias": "sb-job"}},
    ]


def test_the_count_check_refuses_a_short_index():
    check_count(Kind.JOB, 120, 120)
    with pytest.raises(IndexCountMismatch, match="sent 120 documents but the new index holds 119"):
        check_count(Kind.JOB, 120, 119)


def test_names_and_settings_are_validated():
    backend = ElasticsearchBackend("http://127.0.0.1:9", analyzer="cjk", index_prefix="sb-test")

    assert backend.alias(Kind.JOB) == "sb-test-job"
    assert backend.alias(VOCABULARY) == "sb-test-vocabulary"
    assert backend.analyzer == "cjk"  # explicit: no probe
    with pytest.raises(ValueError, match="SEARCH_ES_ANALYZER"):
        ElasticsearchBackend("http://127.0.0.1:9", analyzer="jieba")
    with pytest.raises(ValueError, match="SEARCH_ES_INDEX_PREFIX"):
        ElasticsearchBackend("http://127.0.0.1:9", index_prefix="SkillBridge")


# -- against a real cluster --------------------------------------------------------------------


@pytest.fixture
def live_backend():
    url = os.environ.get("ELASTICSEARCH_URL", "")
    need(bool(url), "ELASTICSEARCH_URL", installable_here=False)
    prefix = f"sb-test-{uuid.uuid4().hex[:8]}"
    backend = ElasticsearchBackend(url, index_prefix=prefix, synonyms=[["普工", "操作工"]])
    yield backend
    client = backend._client
    leftovers = list(client.indices.get(index=f"{prefix}-*", allow_no_indices=True).body)
    if leftovers:  # by name: clusters refuse wildcard deletes (action.destructive_requires_name)
        client.indices.delete(index=leftovers, ignore_unavailable=True)


@pytest.mark.elasticsearch
def test_rebuild_then_search_round_trip(live_backend):
    from backend.text.analysis import index_text, pinyin_terms

    def doc(kind: Kind, id_: int, title: str, body: str, **overrides: Any) -> IndexDocument:
        return document(
            kind=kind,
            id=id_,
            title=title,
            body=body,
            title_tokens=index_text(title),
            body_tokens=index_text(body),
            pinyin=" ".join(pinyin_terms(title)),
            **overrides,
        )

    jobs = [
        doc(Kind.JOB, 1, "东莞电子厂普工", "长白班，包吃住", wage_max=6500),
        doc(Kind.JOB, 2, "中山餐厅厨师", "粤菜经验优先", wage_max=8000, lodging=False, lat=None, lng=None),
    ]
    trainings = [
        doc(
            Kind.TRAINING,
            1,
            "粤菜师傅培训班",
            "免费培训，结业发证",
            brand="yuecai",
            free=True,
            wage_max=None,
            lat=23.03,
        ),
    ]

    counts = live_backend.rebuild(
        {Kind.JOB: jobs, Kind.TRAINING: trainings}, vocabulary=[("厨师", "occupation")]
    )

    assert counts == {Kind.JOB: 2, Kind.TRAINING: 1}
    assert live_backend.ids(Kind.JOB) == {1, 2}
    assert live_backend.hashes(Kind.JOB) == {d.id: d.content_hash for d in jobs}
    found = live_backend.search(SearchQuery(text="普工"))
    assert [(h.kind, h.id) for h in found.hits] == [(Kind.JOB, 1)]
    assert "<mark>普工</mark>" in found.hits[0].fields["title_html"]
    assert {(h.kind, h.id) for h in live_backend.search(SearchQuery(lodging=True)).hits} == {(Kind.JOB, 1)}
    assert {(h.kind, h.id) for h in live_backend.search(SearchQuery(free_or_subsidised=True)).hits} == {
        (Kind.TRAINING, 1)
    }
    by_wage = live_backend.search(SearchQuery(sort=Sort.WAGE))
    assert [(h.kind, h.id) for h in by_wage.hits] == [(Kind.JOB, 2), (Kind.JOB, 1), (Kind.TRAINING, 1)]
    near = live_backend.search(SearchQuery(origin=GeoPoint(23.02, 113.75), radius_km=5, sort=Sort.DISTANCE))
    assert [(h.kind, h.id) for h in near.hits] == [(Kind.JOB, 1), (Kind.TRAINING, 1)]  # job 2 has no place
    assert [h.distance_km for h in near.hits] == [0.0, 1.1]
    assert {v.value: v.count for v in found.facets["kind"]} == {"job": 1}
    assert "厨师" in [s.text for s in live_backend.suggest("chu")]

    assert live_backend.delete(Kind.JOB, [2, 99]) == 1
    assert live_backend.ids(Kind.JOB) == {1}
    first_index = live_backend.stats()["indexes"]["job"]["index"]  # type: ignore[index]
    live_backend.rebuild({Kind.JOB: jobs, Kind.TRAINING: trainings})
    stats = live_backend.stats()
    assert stats["indexes"]["job"]["index"] != first_index  # type: ignore[index]
    assert stats["indexes"]["job"]["documents"] == 2  # type: ignore[index]
    assert not live_backend._client.indices.exists(index=first_index)
