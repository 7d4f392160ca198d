"""Elasticsearch request bodies and response parsing: pure functions, no client.

The body is built with `elasticsearch.dsl` and mirrors the FTS5 backend's semantics exactly
(the contract suite compares the ids both return):
- every query term must appear as a phrase (any one of its synonym alternatives) in
  `title_tokens` or `body_tokens`; a pinyin-looking query may match the `pinyin` field instead;
- a filter that only makes sense for one kind (`search.query.ONE_KIND_FILTERS`) also requires that kind;
- the CJK `title` field is a should-clause next to a `must`, so it scores and never filters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.query import Query

from backend.text.normalise import normalise

from ..highlight import compile_terms, mark, snippet
from ..query import (
    BENEFITS,
    ONE_KIND_FILTERS,
    WAGE_BANDS,
    FacetValue,
    Hit,
    Kind,
    SearchQuery,
    Sort,
    Suggestion,
)
from .es_mapping import PINYIN_MAX_GRAM, parse_suggest_input

TITLE_BOOST = 3  # BM25 on title_tokens counts three times body_tokens
SOURCE_FIELDS = ("id", "kind", "title", "body", "display")
FACET_SIZES = {"kind": 10, "city": 100, "county": 200, "brand": 50, "occupation": 200, "delivery": 10}
DISTANCE_SCRIPT = (
    "doc['location'].size() == 0 ? null : doc['location'].arcDistance(params.lat, params.lon) / 1000.0"
)


class QueryTermLike(Protocol):
    """What `backend.text.analysis.query_terms` returns per token (only these two attributes are used)."""

    @property
    def token(self) -> str: ...

    @property
    def alternatives(self) -> Sequence[tuple[str, ...]]: ...


# -- text -------------------------------------------------------------------------------


def _phrases(term: QueryTermLike) -> list[str]:
    """Each alternative as a space-joined phrase, which the token fields' analyzer re-splits."""
    phrases = [" ".join(tok for tok in alt if tok.strip()) for alt in term.alternatives]
    return list(dict.fromkeys(p for p in phrases if p))


def term_clause(term: QueryTermLike) -> Query | None:
    """At least one alternative of the term, as a phrase, in the title or the body tokens."""
    should = []
    for phrase in _phrases(term):
        should.append(Q("match_phrase", title_tokens={"query": phrase, "boost": TITLE_BOOST}))
        should.append(Q("match_phrase", body_tokens={"query": phrase}))
    if not should:
        return None
    return Q("bool", should=should, minimum_should_match=1)


def pinyin_key(text: str) -> str:
    """What a pinyin query is compared with: normalised, lowercased, spaces removed (as FTS5)."""
    return normalise(text).lower().replace(" ", "")


def pinyin_clause(text: str) -> Query:
    """The lowercased query is one of the document's pinyin terms, or the start of one."""
    key = pinyin_key(text)
    prefix = Q("term", **{"pinyin.prefix": key}) if len(key) <= PINYIN_MAX_GRAM else Q("prefix", pinyin=key)
    return Q("bool", should=[Q("term", pinyin=key), prefix], minimum_should_match=1)


def text_clauses(text: str, terms: Sequence[QueryTermLike], pinyin: bool) -> list[Query]:
    """The `must` list: nothing for empty text; else one clause per term, or one either-or
    clause when pinyin may also match; `match_none` when the text leaves nothing to look for."""
    if not normalise(text):
        return []
    per_term = [c for c in (term_clause(t) for t in terms) if c is not None]
    if pinyin and pinyin_key(text):
        if not per_term:
            return [pinyin_clause(text)]
        return [Q("bool", should=[Q("bool", must=per_term), pinyin_clause(text)], minimum_should_match=1)]
    return per_term or [Q("match_none")]


# -- filters ----------------------------------------------------------------------------


def division_field(code: str) -> str:
    """The field a 6-digit division code is compared with: 440000 a province, 441900 a
    prefecture (stored as `city`, and also as `county` where it has no counties), else a county."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def only(kind: Kind, condition: Query) -> Query:
    """`condition`, satisfied only by documents of `kind` (the other kind never passes)."""
    return Q("bool", filter=[Q("term", kind=str(kind)), condition])


def _one_kind_conditions(query: SearchQuery) -> Iterator[tuple[str, Query]]:
    """(SearchQuery field, its condition) for each one-kind filter the query sets; the
    start_from/start_to window is one condition."""
    if query.wage_floor is not None:
        yield "wage_floor", Q("range", wage_max={"gte": query.wage_floor})
    for flag in ("lodging", "meals", "social_insurance"):
        if getattr(query, flag):
            yield flag, Q("term", **{flag: True})
    if query.campaign:
        yield "campaign", Q("term", campaign=query.campaign)
    if query.employer is not None:
        yield "employer", Q("term", employer_id=query.employer)
    if query.brands:
        yield "brands", Q("terms", brand=list(query.brands))
    if query.delivery:
        yield "delivery", Q("terms", delivery=list(query.delivery))
    if query.provider is not None:
        yield "provider", Q("term", provider_id=query.provider)
    if query.free_or_subsidised:
        either = Q("bool", should=[Q("term", free=True), Q("term", subsidised=True)], minimum_should_match=1)
        yield "free_or_subsidised", either
    if query.start_from is not None or query.start_to is not None:
        window = {}
        if query.start_from is not None:
            window["gte"] = query.start_from.isoformat()
        if query.start_to is not None:
            window["lte"] = query.start_to.isoformat()
        # a multi-valued date matches when any of its values is in the range
        yield "start_from" if query.start_from is not None else "start_to", Q("range", session_starts=window)


def filter_clauses(query: SearchQuery) -> list[Query]:
    clauses: list[Query] = []
    if set(query.kinds) != {Kind.JOB, Kind.TRAINING}:
        clauses.append(Q("terms", kind=sorted(str(k) for k in query.kinds)))
    if query.published_only:
        clauses.append(Q("term", published=True))
    if query.division:
        clauses.append(Q("term", **{division_field(query.division): query.division}))
    if query.occupations:
        clauses.append(Q("terms", occupation=list(query.occupations)))
    clauses.extend(Q("term", skills=skill) for skill in query.skills)  # all of them
    if query.origin is not None and query.radius_km is not None:
        clauses.append(
            Q(
                "geo_distance",
                distance=f"{query.radius_km}km",
                location={"lat": query.origin.lat, "lon": query.origin.lng},
            )
        )
    clauses.extend(only(ONE_KIND_FILTERS[name], condition) for name, condition in _one_kind_conditions(query))
    return clauses


# -- sort, facets, highlight ------------------------------------------------------------


def sort_keys(query: SearchQuery) -> list[dict[str, Any]]:
    # A job and a training may share an id: kind is the last tie-break, as in the FTS5 backend.
    kind = {"kind": {"order": "asc"}}
    id_desc = {"id": {"order": "desc"}}
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    if query.sort == Sort.DISTANCE and query.origin is not None:
        by_distance = {
            "_geo_distance": {
                "location": {"lat": query.origin.lat, "lon": query.origin.lng},
                "order": "asc",
                "unit": "km",
                "distance_type": "arc",
                "ignore_unmapped": True,
            }
        }
        return [by_distance, {"id": {"order": "asc"}}, kind]
    if query.sort == Sort.WAGE:
        return [{"wage_max": {"order": "desc", "missing": "_last"}}, id_desc, kind]
    if query.sort == Sort.NEWEST:
        return [newest, id_desc, kind]
    return [{"_score": {"order": "desc"}}, newest, id_desc, kind]


def with_facets(search: Search) -> Search:
    for name, size in FACET_SIZES.items():
        search.aggs.bucket(name, A("terms", field=name, size=size))
    bands = []
    for key, low, high in WAGE_BANDS:
        band: dict[str, Any] = {"key": key, "from": low}
        if high is not None:
            band["to"] = high
        bands.append(band)
    search.aggs.bucket("wage_band", A("range", field="wage_min", ranges=bands))
    search.aggs.bucket(
        "benefits", A("filters", filters={name: Q("term", **{name: True}) for name in BENEFITS})
    )
    return search


def search_body(query: SearchQuery, terms: Sequence[QueryTermLike], pinyin: bool) -> dict[str, Any]:
    """The `_search` body for `query`; `terms` come from `analysis.query_terms(query.text)` and
    `pinyin` from `analysis.looks_like_pinyin(query.text)`."""
    must = text_clauses(query.text, terms, pinyin)
    filters = filter_clauses(query)
    should = [Q("match", title={"query": normalise(query.text)})] if must else []
    root = Q("bool", must=must, should=should, filter=filters) if must or filters else Q("match_all")
    search = (
        Search()
        .query(root)
        .sort(*sort_keys(query))
        .extra(_source=list(SOURCE_FIELDS))
        .extra(from_=query.offset, size=query.page_size, track_total_hits=True)
    )
    if query.origin is not None:
        params = {"lat": query.origin.lat, "lon": query.origin.lng}
        search = search.script_fields(distance_km={"script": {"source": DISTANCE_SCRIPT, "params": params}})
    if query.highlight and must:
        # The snippet is the best body fragment; the title is marked on the original text.
        search = search.highlight("body_tokens", number_of_fragments=1, fragment_size=150)
        search = search.highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
    if query.facets:
        search = with_facets(search)
    return search.to_dict()


def hashes_body() -> dict[str, Any]:
    """Every document of an index with only its stored content hash (scrolled by reconcile)."""
    return {"query": {"match_all": {}}, "_source": ["content_hash"]}


def parse_hashes(hits: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    """id -> content hash from scrolled hits; "" for a document written before hashes existed."""
    return {int(hit["_id"]): str(hit.get("_source", {}).get("content_hash", "")) for hit in hits}


def suggest_key(prefix: str) -> str:
    """What a typed prefix is compared with: normalised, spaces removed (as FTS5)."""
    return normalise(prefix).replace(" ", "")


def suggest_body(key: str, size: int) -> dict[str, Any]:
    """A completion request on `suggest` (titles, taxonomy names, and their pinyin)."""
    completion = {"field": "suggest", "size": size, "skip_duplicates": True}
    return Search().suggest("names", key, completion=completion).source(False).extra(size=0).to_dict()


# -- responses --------------------------------------------------------------------------

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_MARKUP = re.compile(r"(<mark>|</mark>|\s+)")
_SUBWORD_WINDOW = 16  # a 7-character word has at most 11 search-mode sub-words


def _needs_space(left: str, right: str) -> bool:
    """Words of Latin script keep a space between them; anything next to CJK does not."""
    return bool(left and right) and not _CJK.match(left[-1]) and not _CJK.match(right[0])


def _split_marked(fragment: str) -> list[tuple[str, bool]]:
    """Whitespace-separated tokens of a highlighted fragment, each with "was it marked"."""
    tokens: list[tuple[str, bool]] = []
    current, marked, inside = "", False, False
    for piece in _MARKUP.split(fragment):
        if piece == "<mark>":
            inside = True
        elif piece == "</mark>":
            inside = False
        elif not piece or piece.isspace():
            if current:
                tokens.append((current, marked))
            current, marked = "", False
        else:
            current += piece
            marked = marked or inside
    if current:
        tokens.append((current, marked))
    return tokens


def _is_cjk_word(token: str) -> bool:
    return bool(token) and all(_CJK.match(ch) for ch in token)


def _drop_subwords(tokens: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """jieba's search mode writes a long word's sub-words just before the word itself
    ("中华 华人 人民 共和 共和国 中华人民共和国"): drop each such run of CJK sub-words,
    passing any mark they carry on to the word that holds them all."""
    kept: list[tuple[str, bool]] = []
    i = 0
    while i < len(tokens):
        run_end = i
        for j in range(i + 1, min(len(tokens), i + _SUBWORD_WINDOW)):
            word = tokens[j][0]
            if all(_is_cjk_word(t) and t in word and t != word for t, _ in tokens[i:j]):
                run_end = j
        if run_end > i:
            kept.append((tokens[run_end][0], any(m for _, m in tokens[i : run_end + 1])))
            i = run_end + 1
        else:
            kept.append(tokens[i])
            i += 1
    return kept


def readable(fragment: str) -> str:
    """A highlighted fragment of a *_tokens field turned back into text that reads as Chinese:
    search-mode sub-words removed, no spaces next to CJK, neighbouring marks merged.
    The fragment is already HTML-escaped by the `html` encoder; only <mark> tags are added."""
    out: list[str] = []
    previous, open_mark = "", False
    for token, marked in _drop_subwords(_split_marked(fragment)):
        space = " " if _needs_space(previous, token) else ""
        if marked and not open_mark:
            out.append(f"{space}<mark>")
        elif open_mark and not marked:
            out.append(f"</mark>{space}")
        else:
            out.append(space)
        out.append(token)
        previous, open_mark = token, marked
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def parse_hit(raw: Mapping[str, Any], pattern: re.Pattern[str] | None, highlight: bool) -> Hit:
    """A Hit from one raw hit. `pattern` marks the query's words in the title (`title_html`,
    as the FTS5 backend does) and in the fallback snippet when Elasticsearch sent no fragment."""
    source = raw.get("_source") or {}
    fields = dict(source.get("display") or {})
    title = source.get("title", "")
    text = ""
    if highlight:
        fragments = (raw.get("highlight") or {}).get("body_tokens") or []
        text = readable(fragments[0]) if fragments else snippet(source.get("body") or "", pattern)
        fields["title_html"] = mark(title, pattern)
    distance = (raw.get("fields") or {}).get("distance_km") or [None]
    return Hit(
        kind=Kind(source["kind"]),
        id=int(source["id"]),
        score=float(raw.get("_score") or 0.0),
        title=title,
        snippet=text,
        distance_km=round(float(distance[0]), 1) if distance[0] is not None else None,
        fields=fields,
    )


def query_pattern(terms: Sequence[QueryTermLike]) -> re.Pattern[str] | None:
    return compile_terms(alt for term in terms for alt in term.alternatives)


def parse_facets(aggregations: Mapping[str, Any]) -> dict[str, list[FacetValue]]:
    """FacetValue lists keyed by facet name (labels = values; the service layer names them),
    each ordered by count then value, empty buckets left out (as the FTS5 backend does)."""
    counts: dict[str, list[tuple[str, int]]] = {}
    for name in (*FACET_SIZES, "wage_band"):
        buckets = aggregations.get(name, {}).get("buckets", [])
        counts[name] = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
    named = aggregations.get("benefits", {}).get("buckets", {})
    counts["benefits"] = [(name, int(named.get(name, {}).get("doc_count", 0))) for name in BENEFITS]
    return {
        name: [
            FacetValue(value=v, label=v, count=n) for v, n in sorted(pairs, key=lambda p: (-p[1], p[0])) if n
        ]
        for name, pairs in counts.items()
    }


def parse_suggestions(response: Mapping[str, Any], limit: int) -> list[Suggestion]:
    """Each text once (its heaviest kind), ordered as the FTS5 suggester orders them:
    weight, then shorter text first, then the text itself."""
    best: dict[str, tuple[float, str]] = {}
    for entry in response.get("suggest", {}).get("names", []):
        for option in entry.get("options", []):
            parsed = parse_suggest_input(option.get("text", ""))
            if parsed is None:
                continue
            text, kind = parsed
            weight = float(option.get("_score") or 0.0)
            if text not in best or weight > best[text][0]:
                best[text] = (weight, kind)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], len(item[0]), item[0]))
    return [Suggestion(text=text, kind=kind) for text, (_, kind) in ranked[:limit]]
