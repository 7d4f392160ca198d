"""Elasticsearch index settings, mapping and document source: pure data, no client.

Two kinds of text live side by side in one index:
- `title_tokens` / `body_tokens` hold the jieba-segmented text our own analysis produced (the
  very string the FTS5 backend stores). They are re-split the way FTS5's
  `unicode61 tokenchars '_-'` tokenizer splits them (on spaces and punctuation; lowercased,
  diacritics folded), so both backends see the same tokens and phrase-match alike; these
  fields decide what matches.
- `title` holds the raw title under a Chinese analyzer of the cluster (stock `cjk` bigrams,
  or the smartcn / IK plugin) with the taxonomy synonyms applied at search time. It only adds
  to the score; it never decides what matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from backend.text.analysis import normalise, pinyin_terms

from ..documents import IndexDocument
from ..query import MAX_PAGE, MAX_PAGE_SIZE

ANALYZERS = ("cjk", "smartcn", "ik")
AUTO = "auto"
# The plugin (as named in nodes info / _cat/plugins) each analyzer choice needs.
ANALYZER_PLUGINS = {"ik": "analysis-ik", "smartcn": "analysis-smartcn"}

SCHEMA_VERSION = 2  # 2: content_hash
PINYIN_MAX_GRAM = 40  # longer pinyin prefixes fall back to an exact-term match
SUGGEST_SEPARATOR = "\t"  # completion input = "<spelling>\t<text>\t<kind>" (see suggest_inputs)
SUGGEST_KINDS = ("title", "occupation", "skill", "certificate")
TITLE_WEIGHT, VOCABULARY_WEIGHT = 1, 2  # as in the FTS5 suggester: taxonomy names before titles
# FTS5's unicode61 tokenizer with tokenchars '_-': a token is a run of letters, digits, marks,
# '_' or '-'; everything else (spaces, punctuation, symbols such as '+') separates tokens.
UNICODE61_SEPARATORS = r"[^\p{L}\p{N}\p{M}_\-]+"

_KEYWORDS = ("kind", "occupation", "brand", "delivery", "county", "city", "province")
# Free-text filter values, compared as FTS5 compares its tags: lowercased, spaces removed.
_TAGS = ("skills", "campaign")
_BOOLEANS = ("free", "subsidised", "lodging", "meals", "social_insurance", "couple_rooms", "published")
_INTEGERS = ("id", "wage_min", "wage_max", "employer_id", "provider_id")
# The document's content hash (IndexDocument.content_hash): read back by reconcile from `_source`,
# never searched, sorted or aggregated, so neither indexed nor given doc values.
CONTENT_HASH_FIELD = {"type": "keyword", "index": False, "doc_values": False}
# Completion inputs may not contain these (the FST uses them internally).
_SUGGEST_RESERVED = re.compile("[\u0000\u001e\u001f\t]")


def choose_analyzer(requested: str, node_plugins: Sequence[Iterable[str]]) -> str:
    """The analyzer to build with: `requested` unless it is "auto", in which case the best one
    every node can run (ik, then smartcn, then the stock cjk bigrams).

    `node_plugins` holds one collection of plugin names per node: a plugin on only some nodes
    is unusable, since any node may have to analyse a query.
    """
    if requested != AUTO:
        if requested not in ANALYZERS:
            raise ValueError(
                f"unknown Elasticsearch analyzer {requested!r}: use auto, {', '.join(ANALYZERS)}"
            )
        return requested
    installed = [set(plugins) for plugins in node_plugins]
    for name in ("ik", "smartcn"):
        if installed and all(ANALYZER_PLUGINS[name] in plugins for plugins in installed):
            return name
    return "cjk"


def synonym_rules(groups: Iterable[Iterable[str]] | None) -> list[str]:
    """Solr-format equivalence rules ("a, b, c"), one per group of two or more distinct words.

    Commas and `=>` would change a rule's meaning, so words holding them are dropped.
    """
    rules: list[str] = []
    for group in groups or ():
        words = [w.strip() for w in group if w and w.strip() and "," not in w and "=>" not in w]
        words = list(dict.fromkeys(words))
        if len(words) >= 2:
            rules.append(", ".join(words))
    return rules


def _title_analyzers(analyzer: str, has_synonyms: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """(index-time, search-time) custom analyzers for the CJK `title` field."""
    synonyms = ["sb_synonyms"] if has_synonyms else []
    if analyzer == "cjk":
        # What the stock `cjk` analyzer does (minus English stop words), spelt out so the
        # search side can add synonyms; needs no plugin.
        chain = ["cjk_width", "lowercase", "cjk_bigram"]
        index = {"type": "custom", "tokenizer": "standard", "filter": chain}
        search = {"type": "custom", "tokenizer": "standard", "filter": [*chain, *synonyms]}
    elif analyzer == "smartcn":
        index = {"type": "custom", "tokenizer": "smartcn_tokenizer", "filter": ["cjk_width", "lowercase"]}
        search = {**index, "filter": ["cjk_width", "lowercase", *synonyms]}
    elif analyzer == "ik":
        # Finest segmentation when indexing, coarsest when searching (IK's own advice).
        index = {"type": "custom", "tokenizer": "ik_max_word", "filter": ["lowercase"]}
        search = {"type": "custom", "tokenizer": "ik_smart", "filter": ["lowercase", *synonyms]}
    else:
        raise ValueError(f"unknown Elasticsearch analyzer {analyzer!r}")
    return index, search


def mapping(analyzer: str, synonyms: Iterable[Iterable[str]] | None = None) -> dict[str, Any]:
    """The body of `indices.create` (settings + mappings) for either kind's index."""
    rules = synonym_rules(synonyms)
    title_index, title_search = _title_analyzers(analyzer, bool(rules))
    filters: dict[str, Any] = {
        "sb_pinyin_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": PINYIN_MAX_GRAM},
    }
    if rules:
        # Inline rules: nothing to copy onto the servers. `lenient` skips a rule the
        # analyzer cannot parse instead of refusing the whole index.
        filters["sb_synonyms"] = {"type": "synonym_graph", "synonyms": rules, "lenient": True}
    token_filters = ["lowercase", "asciifolding"]  # unicode61 folds case and diacritics
    analysis = {
        "tokenizer": {"sb_unicode61": {"type": "pattern", "pattern": UNICODE61_SEPARATORS}},
        "char_filter": {"sb_no_spaces": {"type": "pattern_replace", "pattern": "\\s+", "replacement": ""}},
        "normalizer": {
            "sb_tag": {"type": "custom", "char_filter": ["sb_no_spaces"], "filter": ["lowercase"]}
        },
        "filter": filters,
        "analyzer": {
            "sb_tokens": {"type": "custom", "tokenizer": "sb_unicode61", "filter": token_filters},
            "sb_pinyin_prefix": {
                "type": "custom",
                "tokenizer": "sb_unicode61",
                "filter": [*token_filters, "sb_pinyin_edge"],
            },
            "sb_title": title_index,
            "sb_title_search": title_search,
            "sb_suggest": {"type": "custom", "tokenizer": "keyword", "filter": ["cjk_width", "lowercase"]},
        },
    }
    tokens = {"type": "text", "analyzer": "sb_tokens", "index_options": "offsets"}
    properties: dict[str, Any] = {
        "title": {"type": "text", "analyzer": "sb_title", "search_analyzer": "sb_title_search"},
        "body": {"type": "text", "index": False},  # kept for the fallback snippet
        "title_tokens": tokens,
        "body_tokens": tokens,
        "pinyin": {
            "type": "text",
            "analyzer": "sb_tokens",
            "fields": {
                "prefix": {"type": "text", "analyzer": "sb_pinyin_prefix", "search_analyzer": "sb_tokens"},
            },
        },
        **{name: {"type": "keyword"} for name in _KEYWORDS},
        **{name: {"type": "keyword", "normalizer": "sb_tag"} for name in _TAGS},
        **{name: {"type": "integer"} for name in _INTEGERS},
        **{name: {"type": "boolean"} for name in _BOOLEANS},
        "session_starts": {"type": "date", "format": "strict_date"},
        "published_at": {"type": "date"},
        "location": {"type": "geo_point"},
        "display": {"type": "object", "enabled": False},
        "content_hash": CONTENT_HASH_FIELD,
        "suggest": {
            "type": "completion",
            "analyzer": "sb_suggest",
            "max_input_length": 255,
        },
    }
    return {
        "settings": {
            "analysis": analysis,
            "index": {"max_result_window": MAX_PAGE * MAX_PAGE_SIZE},
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"analyzer": analyzer, "schema_version": SCHEMA_VERSION},
            "properties": properties,
        },
    }


def added_properties() -> dict[str, Any]:
    """Fields added to the mapping since schema version 1: put on an index built before them
    (adding a field is allowed in place), so writes to it pass `dynamic: strict`."""
    return {"content_hash": CONTENT_HASH_FIELD}


def suggest_inputs(text: str, kind: str, weight: int) -> dict[str, Any] | None:
    """One completion entry for a title or a taxonomy name, or None when there is nothing to type.

    Each input is "<spelling>\\t<text>\\t<kind>". The spelling is what a typed prefix must
    start with: the normalised text without spaces, its full pinyin or its initials (the keys
    the FTS5 suggester uses). The rest rides along in the returned option, so a pinyin prefix
    comes back as the Chinese word, and `skip_duplicates` folds the same word from many
    documents while keeping different words that share initials.
    """
    text = _SUGGEST_RESERVED.sub(" ", text).strip()
    if not text or kind not in SUGGEST_KINDS:
        return None
    keys = [normalise(text).replace(" ", ""), *pinyin_terms(text)]
    spellings = [k for k in dict.fromkeys(_SUGGEST_RESERVED.sub("", k) for k in keys) if k]
    if not spellings:
        return None
    sep = SUGGEST_SEPARATOR
    return {"input": [f"{s}{sep}{text}{sep}{kind}" for s in spellings], "weight": weight}


def parse_suggest_input(value: str) -> tuple[str, str] | None:
    """(text, kind) from a completion input written by `suggest_inputs`."""
    parts = value.split(SUGGEST_SEPARATOR)
    if len(parts) != 3 or parts[2] not in SUGGEST_KINDS:
        return None
    return parts[1], parts[2]


def vocabulary_source(text: str, kind: str) -> dict[str, Any] | None:
    """A document of the vocabulary index: one occupation, skill or certificate name."""
    entry = suggest_inputs(text, kind, VOCABULARY_WEIGHT)
    return {"kind": kind, "title": text, "suggest": [entry]} if entry else None


def to_source(doc: IndexDocument) -> dict[str, Any]:
    """The `_source` of one document. Empty strings become absent values, so they neither
    show up as a facet bucket nor satisfy a filter."""
    source: dict[str, Any] = {
        "id": doc.id,
        "kind": str(doc.kind),
        "title": doc.title,
        "body": doc.body,
        "title_tokens": doc.title_tokens,
        "body_tokens": doc.body_tokens,
        "pinyin": doc.pinyin,
        "occupation": doc.occupation or None,
        "skills": list(doc.skills),
        "brand": doc.brand or None,
        "delivery": doc.delivery or None,
        "county": doc.county or None,
        "city": doc.city or None,
        "province": doc.province or None,
        "campaign": doc.campaign or None,
        "wage_min": doc.wage_min,
        "wage_max": doc.wage_max,
        "free": doc.free,
        "subsidised": doc.subsidised,
        "lodging": doc.lodging,
        "meals": doc.meals,
        "social_insurance": doc.social_insurance,
        "couple_rooms": doc.couple_rooms,
        "employer_id": doc.employer_id,
        "provider_id": doc.provider_id,
        "session_starts": [d.isoformat() for d in doc.session_starts],
        "published": doc.published,
        "published_at": doc.published_at.isoformat() if doc.published_at else None,
        "display": doc.display,
        "content_hash": doc.content_hash,
        "suggest": [entry] if (entry := suggest_inputs(doc.title, "title", TITLE_WEIGHT)) else [],
    }
    if doc.lat is not None and doc.lng is not None:
        source["location"] = {"lat": doc.lat, "lon": doc.lng}
    return source
