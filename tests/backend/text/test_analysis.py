"""backend.text.analysis: jieba search-mode tokens, synonyms, pinyin, the shared analyzer."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.text import analysis
from backend.text.analysis import (
    Analyzer,
    QueryTerm,
    get_analyzer,
    index_text,
    looks_like_pinyin,
    normalise,
    pinyin_terms,
    query_terms,
    reset_analyzer,
    tokens,
)
from backend.text.selectors import build_synonym_groups

# A small explicit dictionary for the tests that run without a database.
WORDS = ["母婴护理员", "中式烹调师", "叉车证", "英德市", "英德", "家政服务员", "快递小哥"]
GROUPS = [
    ["母婴护理员", "月嫂", "母婴护理"],
    ["焊工", "电焊工", "电焊", "焊接"],
    ["焊条电弧焊", "电焊", "手工电弧焊"],
    ["家政服务员", "保姆", "家政"],
    ["快递员", "快递小哥", "派件员"],
    ["文员", "前台"],
    ["餐厅服务员", "服务员"],
    ["特种设备作业人员证(叉车司机N1)", "叉车证"],
]


@pytest.fixture(scope="module")
def small() -> Analyzer:
    return Analyzer(WORDS, GROUPS)


@pytest.fixture(scope="module")
def taxonomy(django_db_setup, django_db_blocker) -> Analyzer:
    """The analyzer the application builds: every taxonomy and division word, every synonym group."""
    with django_db_blocker.unblock():
        return Analyzer.from_database()


@pytest.fixture
def installed(taxonomy):
    """Module-level functions (tokens, query_terms...) served by the database-built analyzer."""
    reset_analyzer(taxonomy)
    yield taxonomy
    reset_analyzer()


def alternatives(terms: Sequence[QueryTerm], token: str) -> set[tuple[str, ...]]:
    term = next(t for t in terms if t.token == token)
    return set(term.alternatives)


def contains_phrase(stream: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(list(stream[i : i + n]) == list(phrase) for i in range(len(stream) - n + 1))


# -- tokens ---------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_domain_words_stay_whole(installed):
    assert "母婴护理员" in tokens("招聘母婴护理员两名")
    assert "中式烹调师" in tokens("中式烹调师培训班")
    assert {"英德市", "英德"} <= set(tokens("英德市叉车证培训"))
    assert "英德" in tokens("英德茶厂招工")
    assert "叉车证" in tokens("持叉车证优先")
    assert "连南" in tokens("连南瑶族自治县")


@pytest.mark.django_db
def test_search_mode_adds_the_sub_words(installed):
    assert tokens("母婴护理员") == ["母婴", "护理", "护理员", "母婴护理员"]
    assert {"中式", "烹调", "烹调师", "中式烹调师"} <= set(tokens("中式烹调师"))


def test_tokens_are_normalised_and_clean(small):
    assert small.tokens("ＡＢＣ１２３") == ["abc123"]
    assert {"广东", "厨师"} <= set(small.tokens("廣東廚師"))
    assert small.tokens("，。！?  \n 😀") == []


def test_stopwords_and_punctuation_are_dropped(small):
    found = small.tokens("电工和焊工的培训、等级证书等")
    assert "和" not in found
    assert "的" not in found
    assert "等" not in found
    assert "、" not in found
    assert {"电工", "焊工", "培训", "等级"} <= set(found)


def test_latin_and_digit_runs_stay_whole(small):
    # Latin never enters the user dictionary, so a search for c1 finds C1驾照.
    assert small.tokens("C1驾照 iso9001 CNC操机") == ["c1", "驾照", "iso9001", "cnc", "操机"]


def test_index_text_is_the_tokens_joined(small):
    text = "英德市招聘母婴护理员（月嫂），包吃住"
    assert small.index_text(text) == " ".join(small.tokens(text))
    assert small.index_text(text).split() == small.tokens(text)


def test_tokens_keep_text_order(small):
    found = small.tokens("焊工 英德市 母婴护理员")
    assert found.index("焊工") < found.index("英德市") < found.index("母婴护理员")


# -- queries --------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("月嫂", "母婴护理员"),
        ("电焊", "焊工"),
        ("电焊", "焊接"),
        ("保姆", "家政服务员"),
        ("普工", "生产操作工"),
        ("厨师", "中式烹调师"),
    ],
)
def test_taxonomy_synonyms(installed, query, expected):
    (term,) = query_terms(query)
    assert term.token == query
    assert term.alternatives[0] == (query,)  # its own form first
    assert (expected,) in term.alternatives


def test_synonyms_of_every_group_holding_the_term(small):
    found = alternatives(small.query_terms("电焊"), "电焊")
    assert {("焊工",), ("焊接",), ("焊条电弧焊",), ("手工电弧焊",)} <= found


def test_multi_word_alias_maps_as_a_whole(small):
    terms = small.query_terms("找快递小哥工作")
    assert [t.token for t in terms] == ["找", "快递小哥", "工作"]
    assert ("快递员",) in alternatives(terms, "快递小哥")


def test_longest_synonym_wins(small):
    terms = small.query_terms("做家政服务员")
    assert "家政服务员" in [t.token for t in terms]
    assert "服务员" not in [t.token for t in terms]  # not 家政 + 服务员 (a waiter)


def test_synonym_inside_a_longer_word_is_not_expanded(small):
    # 美容院 is one jieba word: expanding a 美容 inside it would ask the index for a token it lacks.
    terms = small.query_terms("家政公司前台")
    assert ("文员",) in alternatives(terms, "前台")


def test_alternative_with_punctuation_is_a_phrase(small):
    found = alternatives(small.query_terms("叉车证"), "叉车证")
    phrases = [alt for alt in found if len(alt) > 1]
    assert phrases
    assert all("(" not in token for alt in phrases for token in alt)


def test_four_character_word_also_matches_inside_a_longer_word():
    # Search mode gives a word its 2- and 3-character sub-words only: a document's 电焊培训班 holds
    # 电焊 and 培训 but no 电焊培训, so the query word also offers the phrase 电焊 培训.
    analyzer = Analyzer(["电焊培训", "电焊培训班"])
    (term,) = analyzer.query_terms("电焊培训")
    document = analyzer.tokens("英德电焊培训班招生")
    assert "电焊培训" not in document
    assert term.alternatives == (("电焊培训",), ("电焊", "培训"))
    assert contains_phrase(document, term.alternatives[1])


def test_no_phrase_when_sub_words_overlap(small):
    # 中华 华人 人民 共和 ...: overlapping pairs are not adjacent in an index stream.
    (term,) = small.query_terms("中华人民共和国")
    assert term.alternatives == (("中华人民共和国",),)


def test_query_terms_are_deduplicated_and_clean(small):
    terms = small.query_terms("焊工 焊工，的 ！")
    assert [t.token for t in terms] == ["焊工"]
    assert small.query_terms("") == []
    assert small.query_terms(" ，。 ") == []


QUERIES = [
    "英德市招聘母婴护理员",
    "找快递小哥工作",
    "做家政服务员 包吃住",
    "中式烹调师（粤菜）培训班",
    "持叉车证优先，月薪6000-8000元",
    "电焊 二保焊 氩弧焊 英德",
    "SYB创业培训 连南瑶族自治县",
    "廣東廚師 點心師傅",
]


@pytest.mark.django_db
@pytest.mark.parametrize("text", QUERIES)
def test_a_document_matches_a_query_of_its_own_text(installed, text):
    indexed = index_text(text).split()
    assert indexed == tokens(text)
    for term in query_terms(text):
        assert contains_phrase(indexed, term.alternatives[0]), term


@st.composite
def domain_text(draw, vocabulary: Sequence[str]) -> str:
    pieces = draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=8))
    glue = draw(
        st.lists(
            st.sampled_from(["", " ", "，", "的", "和", "招聘", "培训", "包吃住", "a1"]),
            min_size=8,
            max_size=8,
        )
    )
    return "".join(p + g for p, g in zip(pieces, glue, strict=False))


@pytest.mark.django_db
def test_query_side_and_index_side_agree_on_domain_text(taxonomy):
    vocabulary = [
        *sorted({t for group in build_synonym_groups() for t in group})[::4],
        "英德市",
        "英德",
        "清远",
        "连南",
        "家政服务",
        "美容院",
    ]

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(domain_text(vocabulary))
    def check(text):
        indexed = taxonomy.tokens(text)
        assert taxonomy.index_text(text).split() == indexed
        for term in taxonomy.query_terms(text):
            assert contains_phrase(indexed, term.alternatives[0]), (text, term)

    check()


# -- pinyin ---------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_pinyin_terms(installed):
    terms = pinyin_terms("家政服务员")
    assert {"jiazhengfuwuyuan", "jzfwy", "jiazheng", "jz"} <= set(terms)
    assert terms[:2] == ["jiazhengfuwuyuan", "jzfwy"]
    assert len(terms) == len(set(terms))


def test_pinyin_terms_edge_cases(small):
    assert small.pinyin_terms("") == []
    assert "syb" in small.pinyin_terms("SYB创业培训")
    assert "c" not in small.pinyin_terms("车")  # a lone initial would match too much
    assert small.pinyin_terms("家政" * 1000)  # long text: capped, still answers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jz", True),
        ("jiazheng", True),
        ("Jia Zheng", True),
        ("xi'an", True),
        ("ｊｚ", True),
        ("家政", False),
        ("jz1", False),
        ("j-z", False),
        ("", False),
        ("  ", False),
        ("jz家政", False),
    ],
)
def test_looks_like_pinyin(query, expected):
    assert looks_like_pinyin(query) is expected


# -- never raises ---------------------------------------------------------------------------------
NASTY = [
    "\x00",
    "a\x00b\x00",
    "😀🇨🇳👨\u200d👩\u200d👧",
    "\ud800\udfff\udc00",
    "\ufffe\uffff\U0010ffff",
    "㐀㐁𠀀𪚥",
    "家" * 10_000,
    "ab 😀 " * 2_000,
    "".join(chr(c) for c in range(0, 0x3000, 7)),
]


@pytest.mark.parametrize("text", NASTY)
def test_never_raises_on_nasty_input(small, text):
    for result in (normalise(text), small.tokens(text), small.index_text(text), small.query_terms(text)):
        assert result is not None
    assert isinstance(small.pinyin_terms(text), list)
    assert isinstance(looks_like_pinyin(text), bool)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text() | st.text(st.characters(exclude_categories=())))  # the second includes lone surrogates
def test_never_raises(small, text):
    normalised = normalise(text)
    found = small.tokens(text)
    assert all(token and " " not in token for token in found)
    assert small.index_text(text).split() == found
    for term in small.query_terms(text):
        assert term.alternatives
        assert all(all(alt) for alt in term.alternatives)
    small.pinyin_terms(text)
    looks_like_pinyin(text)
    assert normalise(normalised) == normalised


# -- the shared analyzer --------------------------------------------------------------------------
@pytest.mark.django_db
def test_get_analyzer_builds_once_from_the_database():
    reset_analyzer()
    try:
        first = get_analyzer()
        assert get_analyzer() is first
        assert "母婴护理员" in first.tokens("母婴护理员")
        reset_analyzer()
        assert get_analyzer() is not first  # rebuilt after a reset (e.g. a taxonomy reload)
    finally:
        reset_analyzer()


def test_get_analyzer_is_built_once_under_concurrency(monkeypatch, small):
    calls = []

    def slow_build() -> Analyzer:
        calls.append(1)
        time.sleep(0.05)  # widen the window in which other threads could start a second build
        return small

    monkeypatch.setattr(analysis, "_build_default_analyzer", slow_build)
    reset_analyzer()
    try:
        seen: list[Analyzer] = []
        threads = [threading.Thread(target=lambda: seen.append(get_analyzer())) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(calls) == 1
        assert len(seen) == 8
        assert all(a is small for a in seen)
    finally:
        reset_analyzer()


def test_jieba_main_dictionary_is_read_once_per_process(small):
    Analyzer(["另一个词"])
    Analyzer()
    assert analysis.main_dictionary_loads == 1


def test_reset_analyzer_installs_an_explicit_analyzer(small):
    reset_analyzer(small)
    try:
        assert get_analyzer() is small
        assert "快递小哥" in tokens("快递小哥")
    finally:
        reset_analyzer()


def test_analyzers_do_not_share_added_words():
    assert "粤技桥专用词" not in Analyzer().tokens("粤技桥专用词")
    assert "粤技桥专用词" in Analyzer(["粤技桥专用词"]).tokens("粤技桥专用词")


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from([*list("家政服务员月嫂包吃住英德市电焊工普工 ,。;abc123-_"), "\u3000"]),
        max_size=60,
    )
)
def test_run_by_run_memoised_segmentation_equals_plain_jieba(text):
    from backend.text.analysis import _keep as keep
    from backend.text.analysis import get_analyzer, normalise

    analyzer = get_analyzer()
    plain = [t for t in analyzer._jieba.cut_for_search(normalise(text)) if keep(t)]
    assert analyzer.tokens(text) == plain
    assert analyzer.tokens(text) == plain  # and again, from the memo
