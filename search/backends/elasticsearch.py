"""The Elasticsearch search backend (the only module that talks to a cluster).

- One index per kind behind an alias: `{prefix}-job` -> `{prefix}-job-{timestamp}`. `rebuild`
  fills fresh indexes, checks each holds exactly the documents sent, then moves every alias in
  ONE atomic `update_aliases` call and drops the old indexes; searches never see a half index.
- What matches is decided on `title_tokens`/`body_tokens`, which hold our own jieba tokens
  (the same text the FTS5 backend stores), so both backends return the same ids. The cluster's
  Chinese analyzer (IK, smartcn or stock cjk bigrams, probed once when "auto") and the taxonomy
  synonyms only shape the score, through the `title` field.
- Mapping (`es_mapping`) and request bodies (`es_query`) are pure functions, tested as data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import scan, streaming_bulk

from backend.text.analysis import looks_like_pinyin, normalise, query_terms

from ..documents import IndexDocument
from ..query import Kind, SearchQuery, SearchResult, Suggestion
from .es_mapping import (
    ANALYZERS,
    AUTO,
    added_properties,
    choose_analyzer,
    mapping,
    to_source,
    vocabulary_source,
)
from .es_query import (
    hashes_body,
    parse_facets,
    parse_hashes,
    parse_hit,
    parse_suggestions,
    query_pattern,
    search_body,
    suggest_body,
    suggest_key,
)

BULK_CHUNK = 500
VOCABULARY = "vocabulary"  # the third index: occupation, skill and certificate names to suggest
_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
Action = dict[str, Any]  # one bulk action (streaming_bulk's format)


class IndexCountMismatch(RuntimeError):
    """A freshly built index does not hold every document sent to it; it is not swapped in."""


def check_count(kind: Kind | str, sent: int, indexed: int) -> None:
    if sent != indexed:
        raise IndexCountMismatch(
            f"{kind}: sent {sent} documents but the new index holds {indexed}; keeping the old index"
        )


@dataclass(frozen=True)
class AliasSwap:
    alias: str
    new_index: str
    old_indexes: tuple[str, ...] = ()
    squatter: bool = False  # a concrete index (auto-created by a stray write) has the alias's name


def alias_actions(swaps: Sequence[AliasSwap]) -> list[dict[str, Any]]:
    """The actions of the single `update_aliases` call that swaps every rebuilt kind at once.

    Removing the old indexes by name makes the swap optimistic: if another rebuild moved an
    alias meanwhile, the removal fails and the whole request (every kind) is refused.
    """
    actions: list[dict[str, Any]] = []
    for swap in swaps:
        if swap.squatter:
            actions.append({"remove_index": {"index": swap.alias}})
        actions.extend({"remove": {"index": old, "alias": swap.alias}} for old in swap.old_indexes)
        actions.append({"add": {"index": swap.new_index, "alias": swap.alias}})
    return actions


def _ordered_kinds(kinds: Iterable[Kind]) -> list[Kind]:
    wanted = set(kinds)
    return [kind for kind in Kind if kind in wanted]


def _only_kind(kind: Kind, documents: Iterable[IndexDocument]) -> Iterator[IndexDocument]:
    for doc in documents:
        if doc.kind != kind:
            raise ValueError(f"a {doc.kind} document ({doc.id}) among the {kind} documents")
        yield doc


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        *,
        analyzer: str = AUTO,
        index_prefix: str = "skillbridge",
        synonyms: list[list[str]] | None = None,
        client: Elasticsearch | None = None,
    ) -> None:
        if analyzer != AUTO and analyzer not in ANALYZERS:
            raise ValueError(
                f"SEARCH_ES_ANALYZER must be auto or one of {', '.join(ANALYZERS)}, not {analyzer!r}"
            )
        if not _PREFIX.match(index_prefix):
            raise ValueError(f"SEARCH_ES_INDEX_PREFIX {index_prefix!r}: use lowercase letters, digits, - _ .")
        self._client = client or Elasticsearch(url, request_timeout=30, retry_on_timeout=True, max_retries=3)
        self._requested_analyzer = analyzer
        self._analyzer: str | None = None
        self._prefix = index_prefix
        self._synonyms = synonyms
        self._ready: set[str] = set()  # aliases known to exist

    # -- names and cluster state ------------------------------------------------------

    def alias(self, kind: Kind | str) -> str:
        """`{prefix}-job`, `{prefix}-training` or `{prefix}-vocabulary`."""
        return f"{self._prefix}-{kind}"

    def _new_index_name(self, kind: Kind | str) -> str:
        return f"{self.alias(kind)}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"

    @property
    def analyzer(self) -> str:
        """The analyzer new indexes are built with ("auto" asks the cluster once)."""
        if self._analyzer is None:
            plugins = self._node_plugins() if self._requested_analyzer == AUTO else []
            self._analyzer = choose_analyzer(self._requested_analyzer, plugins)
        return self._analyzer

    def _node_plugins(self) -> list[set[str]]:
        info = self._client.nodes.info(metric="plugins")
        return [{p["name"] for p in node.get("plugins", [])} for node in info["nodes"].values()]

    def _alias_targets(self, alias: str) -> tuple[list[str], bool]:
        """(indexes behind the alias, whether a concrete index squats the alias's name)."""
        try:
            return sorted(self._client.indices.get_alias(name=alias).body), False
        except NotFoundError:
            return [], bool(self._client.indices.exists(index=alias))

    def _create_index(self, name: str, *, alias: str | None = None, building: bool = False) -> None:
        body = mapping(self.analyzer, self._synonyms)
        if building:  # no refreshes while bulk loading; restored before the count check
            body["settings"]["index"]["refresh_interval"] = "-1"
        self._client.indices.create(
            index=name,
            settings=body["settings"],
            mappings=body["mappings"],
            aliases={alias: {}} if alias else None,
        )

    def _ensure_alias(self, kind: Kind | str) -> str:
        """Writes go through the alias; before any rebuild, give it an empty index to point to."""
        alias = self.alias(kind)
        if alias not in self._ready:
            if not self._client.indices.exists_alias(name=alias):
                self._create_index(self._new_index_name(kind), alias=alias)
            else:  # an index built by an older version may lack fields added since
                self._client.indices.put_mapping(index=alias, properties=added_properties())
            self._ready.add(alias)
        return alias

    def drop_all(self) -> None:
        """Delete every index of this prefix (test clean-up; never called by the product)."""
        self._client.indices.delete(index=f"{self._prefix}-*", allow_no_indices=True, ignore_unavailable=True)
        self._ready.clear()

    def _write(self, actions: Iterable[Action], **bulk_options: Any) -> Iterator[tuple[bool, dict[str, Any]]]:
        yield from streaming_bulk(self._client, actions, chunk_size=BULK_CHUNK, max_retries=3, **bulk_options)

    # -- reads ------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        kinds = _ordered_kinds(query.kinds)
        if not kinds:
            return SearchResult(hits=[], total=0, facets={}, page=query.page, page_size=query.page_size)
        text = normalise(query.text)
        terms = query_terms(text) if text else []
        body = search_body(query, terms, bool(text) and looks_like_pinyin(text))
        response = self._client.search(
            index=[self.alias(kind) for kind in kinds],
            body=body,
            ignore_unavailable=True,
            allow_no_indices=True,
        ).body
        pattern = query_pattern(terms) if query.highlight else None
        return SearchResult(
            hits=[parse_hit(raw, pattern, query.highlight) for raw in response["hits"]["hits"]],
            total=int(response["hits"]["total"]["value"]),
            facets=parse_facets(response.get("aggregations", {})) if query.facets else {},
            page=query.page,
            page_size=query.page_size,
            took_ms=float(response.get("took", 0)),
        )

    def suggest(self, prefix: str, *, limit: int = 10) -> list[Suggestion]:
        key = suggest_key(prefix)
        if not key or limit <= 0:
            return []
        response = self._client.search(
            index=[self.alias(kind) for kind in (*Kind, VOCABULARY)],
            # a word can come back once per spelling that matched (text, pinyin, initials)
            body=suggest_body(key, size=limit * 5),
            ignore_unavailable=True,
            allow_no_indices=True,
        ).body
        return parse_suggestions(response, limit)

    def ids(self, kind: Kind) -> set[int]:
        if not self._alias_targets(self.alias(kind))[0]:
            return set()
        hits = scan(
            self._client, index=self.alias(kind), query={"query": {"match_all": {}}, "_source": False}
        )
        return {int(hit["_id"]) for hit in hits}

    def hashes(self, kind: Kind) -> dict[int, str]:
        if not self._alias_targets(self.alias(kind))[0]:
            return {}
        return parse_hashes(scan(self._client, index=self.alias(kind), query=hashes_body()))

    def stats(self) -> dict[str, object]:
        """Per alias (job, training, vocabulary): documents, the concrete index behind it and
        the analyzer it was built with; plus the analyzer the next rebuild would use."""
        indexes: dict[str, object] = {}
        for suffix in (*Kind, VOCABULARY):
            alias = self.alias(suffix)
            targets, _ = self._alias_targets(alias)
            if not targets:
                indexes[str(suffix)] = {"documents": 0, "index": None, "analyzer": None}
                continue
            mappings = self._client.indices.get_mapping(index=targets[0]).body[targets[0]]["mappings"]
            indexes[str(suffix)] = {
                "documents": int(self._client.count(index=alias)["count"]),
                "index": targets[0],
                "analyzer": mappings.get("_meta", {}).get("analyzer"),
            }
        return {"backend": self.name, "analyzer": self.analyzer, "indexes": indexes}

    # -- writes -----------------------------------------------------------------------

    def _document_actions(
        self, documents: Iterable[IndexDocument], index: str | None = None
    ) -> Iterator[Action]:
        for doc in documents:
            target = index or self._ensure_alias(doc.kind)
            yield {"_op_type": "index", "_index": target, "_id": str(doc.id), "_source": to_source(doc)}

    def _vocabulary_actions(self, vocabulary: Iterable[tuple[str, str]], index: str) -> Iterator[Action]:
        seen: set[str] = set()  # a name listed twice (an alias equal to a name) is one document
        for text, kind in vocabulary:
            source = vocabulary_source(text, kind)
            doc_id = f"{kind}:{source['title']}" if source else ""
            if source is not None and doc_id not in seen:
                seen.add(doc_id)
                yield {"_op_type": "index", "_index": index, "_id": doc_id, "_source": source}

    def index(self, documents: Iterable[IndexDocument]) -> int:
        # require_alias: a write never auto-creates a concrete index named like the alias
        results = self._write(self._document_actions(documents), require_alias=True, refresh="wait_for")
        return sum(1 for ok, _ in results if ok)

    def delete(self, kind: Kind, ids: Iterable[int]) -> int:
        actions = [{"_op_type": "delete", "_index": self.alias(kind), "_id": str(i)} for i in ids]
        if not actions or not self._alias_targets(self.alias(kind))[0]:
            return 0
        results = self._write(actions, ignore_status=(404,), require_alias=True, refresh="wait_for")
        return sum(1 for ok, item in results if ok and item["delete"].get("result") == "deleted")

    def _build(
        self, kind: Kind | str, built: dict[str, str], actions: Callable[[str], Iterable[Action]]
    ) -> int:
        """Create a new index for `kind`, bulk-load it, make it searchable and check that it
        holds every document sent; returns that count. `built` records the index (for cleanup)."""
        built[str(kind)] = name = self._new_index_name(kind)
        self._create_index(name, building=True)
        sent = sum(1 for _ in self._write(actions(name)))  # one result per action; failures raise
        self._client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
        self._client.indices.refresh(index=name)
        indexed = int(self._client.count(index=name)["count"])
        check_count(kind, sent, indexed)
        return indexed

    def rebuild(
        self,
        documents_by_kind: dict[Kind, Iterable[IndexDocument]],
        *,
        vocabulary: Iterable[tuple[str, str]] = (),
    ) -> dict[Kind, int]:
        """Fill a new index per kind (and one for the suggester's vocabulary), check each count,
        then swap every alias in one atomic request and drop the indexes they pointed to before."""
        built: dict[str, str] = {}  # alias suffix (job, training, vocabulary) -> new index
        counts: dict[Kind, int] = {}
        swaps: list[AliasSwap] = []
        try:
            for kind, documents in documents_by_kind.items():
                counts[kind] = self._build(
                    kind, built, partial(self._document_actions, _only_kind(kind, documents))
                )
            self._build(VOCABULARY, built, partial(self._vocabulary_actions, vocabulary))
            for suffix, name in built.items():
                old, squatter = self._alias_targets(self.alias(suffix))
                swaps.append(AliasSwap(self.alias(suffix), name, tuple(old), squatter))
            self._client.indices.update_aliases(actions=alias_actions(swaps))
        except BaseException:
            if built:  # the old indexes stay live; the original error is the one worth raising
                with contextlib.suppress(Exception):
                    self._client.indices.delete(index=list(built.values()), ignore_unavailable=True)
            raise
        old_indexes = [old for swap in swaps for old in swap.old_indexes]
        if old_indexes:
            self._client.indices.delete(index=old_indexes, ignore_unavailable=True)
        self._ready.update(swap.alias for swap in swaps)
        return counts
