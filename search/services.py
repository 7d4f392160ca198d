"""The search package's public functions. Everything else in the project calls these, never a backend.

Reads: `search_run(query=...)`, `search_suggest(prefix=...)`.
Writes (index sync): `index_refresh(kind=..., ids=...)` re-indexes rows or removes those that no
longer belong; `index_rebuild()`; `index_reconcile(repair=...)`; `index_stats()`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings

from backend.occupations.models import Brand, CertificateType, Occupation, Skill
from backend.regions.models import Division

from .backends.base import SearchBackend
from .documents import (
    IndexDocument,
    Lookups,
    indexable_postings,
    indexable_programs,
    posting_documents,
    program_documents,
)
from .query import FACETS, Kind, SearchQuery, SearchResult, Suggestion
from .understanding import understand

CHUNK = 2000


@functools.cache
def get_backend() -> SearchBackend:
    """The configured backend, created once per process (settings.SEARCH_BACKEND)."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        from backend.occupations.selectors import synonym_groups

        from .backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(
            settings.ELASTICSEARCH_URL,
            analyzer=settings.SEARCH_ES_ANALYZER,
            index_prefix=settings.SEARCH_ES_INDEX_PREFIX,
            synonyms=synonym_groups(),
        )
    from .backends.fts5 import FTS5Backend

    return FTS5Backend(settings.SEARCH_FTS5_PATH)


def reset_backend() -> None:
    get_backend.cache_clear()


# --- reads ----------------------------------------------------------------------------------
_FACET_LABELS = {
    "kind": {Kind.JOB.value: "招聘岗位", Kind.TRAINING.value: "培训项目"},
    "delivery": {"offline": "线下", "online": "线上", "blended": "线上线下结合"},
    "benefits": {
        "lodging": "包住", "meals": "包吃", "social_insurance": "五险一金/社保", "couple_rooms": "夫妻房",
        "free": "免费", "subsidised": "可享补贴",
    },
    "brand": dict(Brand.choices),
}  # fmt: skip


def _label_facets(result: SearchResult) -> None:
    codes = {v.value for name in ("city", "county") for v in result.facets.get(name, [])}
    divisions = dict(Division.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    slugs = {v.value for v in result.facets.get("occupation", [])}
    occupations = dict(Occupation.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    for name, values in result.facets.items():
        labels = {"city": divisions, "county": divisions, "occupation": occupations}.get(
            name
        ) or _FACET_LABELS.get(name, {})
        for value in values:
            value.label = labels.get(value.value, value.value)


def search_run(*, query: SearchQuery) -> SearchResult:
    """Search with the query as understood (benefit words become filters, padding words go)."""
    query = understand(query)
    result = get_backend().search(query)
    if query.facets:
        for name in FACETS:  # the same keys from every backend, empty or not
            result.facets.setdefault(name, [])
    _label_facets(result)
    return result


def search_suggest(*, prefix: str, limit: int = 10) -> list[Suggestion]:
    return get_backend().suggest(prefix[:50], limit=min(max(limit, 1), 20))


# --- writes: index sync ----------------------------------------------------------------------
def documents_for(kind: Kind, ids: Iterable[int] | None = None) -> Iterator[IndexDocument]:
    """Documents for the rows that belong in the index (all of them when ids is None), in chunks."""
    queryset = indexable_postings() if kind == Kind.JOB else indexable_programs()
    build = posting_documents if kind == Kind.JOB else program_documents
    if ids is not None:
        queryset = queryset.filter(pk__in=set(ids))
    wanted = list(queryset.order_by("pk").values_list("pk", flat=True))
    lookups = Lookups.load()
    for start in range(0, len(wanted), CHUNK):
        yield from build(wanted[start : start + CHUNK], lookups)


def index_refresh(*, kind: Kind, ids: Iterable[int]) -> dict[str, int]:
    """Re-index these rows; those no longer published (closed, filled, expired) leave the index."""
    ids = set(ids)
    documents = list(documents_for(kind, ids))
    backend = get_backend()
    written = backend.index(documents) if documents else 0
    gone = ids - {d.id for d in documents}
    removed = backend.delete(kind, gone) if gone else 0
    return {"indexed": written, "removed": len(gone) if removed else 0}


def vocabulary() -> list[tuple[str, str]]:
    """Names the suggester offers besides titles: occupations and skills with their aliases."""
    words: list[tuple[str, str]] = []
    for model, kind in ((Occupation, "occupation"), (Skill, "skill"), (CertificateType, "certificate")):
        for name, aliases in model.objects.values_list("name", "aliases"):
            words.append((name, kind))
            words.extend((alias, kind) for alias in aliases or [])
    return words


def index_rebuild() -> dict[Kind, int]:
    return get_backend().rebuild(
        {Kind.JOB: documents_for(Kind.JOB), Kind.TRAINING: documents_for(Kind.TRAINING)},
        vocabulary=vocabulary(),
    )


def index_reconcile(*, repair: bool, content: bool = True) -> dict[str, Any]:
    """Compare the database with the index, per kind: ids (`missing` rows, `extra` documents) and,
    with `content`, each document's stored hash against the one its row builds now (`stale`: the
    row or what its document shows (an employer's name, a place, a session) changed and the
    document kept the old text). `repair` writes the missing and stale ones and deletes the extra.

    Comparing content builds every document, as a rebuild does (~6,000 a second, most of it
    segmentation) but writes only those that differ."""
    backend = get_backend()
    report: dict[str, Any] = {}
    for kind, queryset in ((Kind.JOB, indexable_postings()), (Kind.TRAINING, indexable_programs())):
        stored = backend.hashes(kind)
        if content:
            expected, missing, stale = _compare_content(backend, kind, stored, repair=repair)
        else:
            expected = set(queryset.values_list("pk", flat=True))
            missing, stale = sorted(expected - set(stored)), []
            if repair and missing:
                backend.index(documents_for(kind, missing))
        extra = sorted(set(stored) - expected)
        if repair and extra:
            backend.delete(kind, extra)
        report[str(kind)] = {
            "database": len(expected),
            "index": len(stored),
            "missing": len(missing),
            "extra": len(extra),
            "stale": len(stale),
        }
    return report


def _compare_content(
    backend: SearchBackend, kind: Kind, stored: dict[int, str], *, repair: bool
) -> tuple[set[int], list[int], list[int]]:
    """(ids that belong in the index, missing ids, stale ids), writing the documents of the last
    two a chunk at a time when repairing (never every document of the index in memory)."""
    expected: set[int] = set()
    missing: list[int] = []
    stale: list[int] = []
    pending: list[IndexDocument] = []
    for document in documents_for(kind):
        expected.add(document.id)
        known = stored.get(document.id)
        if known == document.content_hash:
            continue
        (missing if known is None else stale).append(document.id)
        if not repair:
            continue
        pending.append(document)
        if len(pending) >= CHUNK:
            backend.index(pending)
            pending = []
    if pending:
        backend.index(pending)
    return expected, missing, stale


def index_is_empty() -> bool:
    backend = get_backend()
    return not any(backend.ids(kind) for kind in Kind)


def index_stats() -> dict[str, object]:
    return get_backend().stats()
