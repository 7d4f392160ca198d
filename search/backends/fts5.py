"""The embedded search backend: SQLite FTS5 in its own file (derived data, rebuildable).

Design, in short:
- `docs` holds one row per document: the jieba-segmented text columns the full-text index
  reads (external content), the filter/sort columns (indexed) and the display JSON.
- `docs_fts` is an external-content FTS5 table over `title_tokens, body_tokens, pinyin, tags`,
  kept in step by triggers. `tags` carries every categorical filter as a token (k_job,
  county_441881, occ_welder, pub...), so those filters run inside MATCH on posting lists rather
  than as post-filters on rows; numeric ranges (wage, dates, distance) use indexed columns.
- User text never reaches MATCH as syntax: it is segmented by backend.text.analysis and every token
  is emitted as a double-quoted FTS5 string (quotes doubled), so `NEAR(`, `*`, `OR`, quotes or
  SQL only ever search for themselves.
- bm25() ranks with the title weighted 3x the body; facets are SQL GROUP BYs over one
  materialised match set.
- `rebuild()` writes a new file beside the live one and renames it over the live one
  (atomic on POSIX); readers notice the new inode and reopen.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from backend.common.geo import haversine_km
from backend.text.analysis import QueryTerm, looks_like_pinyin, normalise, pinyin_terms, query_terms

from ..documents import IndexDocument
from ..highlight import compile_terms, mark, snippet
from ..query import BENEFITS, WAGE_BANDS, FacetValue, Hit, Kind, SearchQuery, SearchResult, Sort, Suggestion

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 3
KM_PER_DEGREE = 111.195  # mean Earth radius x pi / 180

# `facts` is narrow (filter, sort and facet columns) so scanning a large match set reads few
# pages; `docs` is wide (the text FTS5 indexes and what a result card shows) and is read for
# one page of hits only.
_SCHEMA = f"""
PRAGMA user_version = {SCHEMA_VERSION};
CREATE TABLE facts (
    rowid INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    county TEXT, city TEXT, province TEXT,
    occupation TEXT, brand TEXT, delivery TEXT,
    wage_min INTEGER, wage_max INTEGER,
    free INTEGER NOT NULL, subsidised INTEGER NOT NULL,
    lodging INTEGER NOT NULL, meals INTEGER NOT NULL,
    social_insurance INTEGER NOT NULL, couple_rooms INTEGER NOT NULL,
    published_at REAL,
    lat REAL, lng REAL
);
CREATE INDEX facts_kind_id ON facts (kind, id);
CREATE TABLE docs (
    rowid INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_tokens TEXT NOT NULL,
    body_tokens TEXT NOT NULL,
    pinyin TEXT NOT NULL,
    tags TEXT NOT NULL,
    display TEXT NOT NULL
);
CREATE TABLE session_starts (rowid INTEGER NOT NULL, start_date TEXT NOT NULL);
CREATE INDEX session_starts_by_doc ON session_starts (rowid);
CREATE INDEX session_starts_by_date ON session_starts (start_date, rowid);
CREATE VIRTUAL TABLE docs_fts USING fts5(
    title_tokens, body_tokens, pinyin, tags,
    content='docs', content_rowid='rowid',
    tokenize="unicode61 tokenchars '_-'", prefix='1 2 3'
);
CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN
    INSERT INTO docs_fts (rowid, title_tokens, body_tokens, pinyin, tags)
    VALUES (new.rowid, new.title_tokens, new.body_tokens, new.pinyin, new.tags);
END;
CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN
    INSERT INTO docs_fts (docs_fts, rowid, title_tokens, body_tokens, pinyin, tags)
    VALUES ('delete', old.rowid, old.title_tokens, old.body_tokens, old.pinyin, old.tags);
    DELETE FROM session_starts WHERE rowid = old.rowid;
    DELETE FROM facts WHERE rowid = old.rowid;
END;
CREATE TABLE suggestions (
    text TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, weight INTEGER NOT NULL,
    PRIMARY KEY (key, text)
) WITHOUT ROWID;
"""
# Version 3 added each document's content hash (for reconcile), in a table of its own so neither
# the narrow `facts` nor the wide `docs` grows; a version 2 file gains it in place (its documents
# then have no hash, so the next reconcile rewrites them) rather than being emptied.
_CONTENT_HASHES = f"""
CREATE TABLE IF NOT EXISTS content_hashes (rowid INTEGER PRIMARY KEY, hash TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS docs_ad_hash AFTER DELETE ON docs BEGIN
    DELETE FROM content_hashes WHERE rowid = old.rowid;
END;
PRAGMA user_version = {SCHEMA_VERSION};
"""

_INSERT_FACT = """
INSERT INTO facts (rowid, kind, id, county, city, province, occupation, brand, delivery, wage_min, wage_max,
    free, subsidised, lodging, meals, social_insurance, couple_rooms, published_at, lat, lng)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_DOC = """
INSERT INTO docs (rowid, title, body, title_tokens, body_tokens, pinyin, tags, display)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""

_BENEFIT_COLUMNS = {name: name for name in BENEFITS}


def rowid_of(kind: Kind | str, id_: int) -> int:
    return id_ * 2 + (1 if kind == Kind.TRAINING else 0)


def fts_string(text: str) -> str:
    """A double-quoted FTS5 string: the only way user text enters a MATCH expression."""
    return '"' + text.replace('"', '""') + '"'


def _tag(prefix: str, value: object) -> str:
    return f"{prefix}_{str(value).replace(' ', '').lower()}"


def document_tags(doc: IndexDocument) -> str:
    tags = [
        _tag("k", doc.kind),
        _tag("county", doc.county),
        _tag("city", doc.city),
        _tag("province", doc.province),
    ]
    tags.append(_tag("occ", doc.occupation))
    tags.extend(_tag("skill", s) for s in doc.skills)
    if doc.brand:
        tags.append(_tag("brand", doc.brand))
    if doc.delivery:
        tags.append(_tag("delivery", doc.delivery))
    if doc.campaign:
        tags.append(_tag("camp", doc.campaign))
    if doc.employer_id is not None:
        tags.append(_tag("employer", doc.employer_id))
    if doc.provider_id is not None:
        tags.append(_tag("provider", doc.provider_id))
    for flag in ("free", "subsidised", "lodging", "meals", "social_insurance", "couple_rooms", "published"):
        if getattr(doc, flag):
            tags.append(flag)
    return " ".join(tags)


def _fact_row(doc: IndexDocument) -> tuple[Any, ...]:
    return (
        rowid_of(doc.kind, doc.id), str(doc.kind), doc.id, doc.county, doc.city, doc.province, doc.occupation,
        doc.brand, doc.delivery, doc.wage_min, doc.wage_max, int(doc.free), int(doc.subsidised), int(doc.lodging),
        int(doc.meals), int(doc.social_insurance), int(doc.couple_rooms),
        doc.published_at.timestamp() if doc.published_at else None, doc.lat, doc.lng,
    )  # fmt: skip


def _doc_row(doc: IndexDocument) -> tuple[Any, ...]:
    return (
        rowid_of(doc.kind, doc.id), doc.title, doc.body, doc.title_tokens, doc.body_tokens, doc.pinyin,
        document_tags(doc), json.dumps(doc.display, ensure_ascii=False, default=str),
    )  # fmt: skip


def _division_tag(code: str) -> str:
    if code.endswith("0000"):
        return _tag("province", code)
    if code.endswith("00"):
        return _tag("city", code)
    return _tag("county", code)


# ---------------------------------------------------------------------------------------------
# Query compilation: SearchQuery -> (MATCH expression, SQL conditions, parameters)
# ---------------------------------------------------------------------------------------------
def text_expression(terms: Sequence[QueryTerm], pinyin_query: str | None) -> str | None:
    """Every term must match one of its alternatives in title or body; or the pinyin prefix."""
    clauses = []
    for term in terms:
        alternatives = " OR ".join(fts_string(" ".join(alt)) for alt in term.alternatives if alt)
        if alternatives:
            clauses.append(f"({{title_tokens body_tokens}} : ({alternatives}))")
    text = " AND ".join(clauses)
    if pinyin_query:
        pinyin = f"(pinyin : {fts_string(pinyin_query)}*)"
        text = f"(({text}) OR {pinyin})" if text else pinyin
    return text or None


def tag_expression(query: SearchQuery, kinds: Sequence[Kind]) -> str | None:
    """Selective categorical filters as tags inside MATCH (short doclists: cheap to intersect).

    Filters that half the index satisfies (kind, lodging, free...) are SQL conditions on `docs`
    instead (see `sql_conditions`): intersecting a 150,000-entry doclist costs FTS5 ~3 ms, and
    bm25() would read it again to weigh it. Once `SearchQuery.allowed_kinds` has run, a kind-specific filter
    is present only when its kind is the only one left, so no per-kind branches are needed.
    """
    parts: list[str] = []
    if query.division:
        parts.append(fts_string(_division_tag(query.division)))
    if query.occupations:
        parts.append("(" + " OR ".join(fts_string(_tag("occ", o)) for o in query.occupations) + ")")
    parts.extend(fts_string(_tag("skill", s)) for s in query.skills)
    if query.campaign:
        parts.append(fts_string(_tag("camp", query.campaign)))
    if query.employer is not None:
        parts.append(fts_string(_tag("employer", query.employer)))
    if query.provider is not None:
        parts.append(fts_string(_tag("provider", query.provider)))
    if query.brands:
        parts.append("(" + " OR ".join(fts_string(_tag("brand", b)) for b in query.brands) + ")")
    if query.delivery:
        parts.append("(" + " OR ".join(fts_string(_tag("delivery", d)) for d in query.delivery) + ")")
    return "tags : (" + " AND ".join(parts) + ")" if parts else None


def sql_conditions(query: SearchQuery, kinds: Sequence[Kind]) -> tuple[list[str], list[Any]]:
    """Broad filters and ranges as SQL on `docs` (the index holds published documents only)."""
    conditions: list[str] = []
    params: list[Any] = []
    if len(kinds) == 1:
        conditions.append("facts.kind = ?")
        params.append(str(kinds[0]))
    for flag in ("lodging", "meals", "social_insurance"):
        if getattr(query, flag):
            conditions.append(f"facts.{flag} = 1")
    if query.free_or_subsidised:
        conditions.append("(facts.free = 1 OR facts.subsidised = 1)")
    if query.wage_floor is not None:
        conditions.append("facts.wage_max >= ?")
        params.append(query.wage_floor)
    if query.start_from or query.start_to:
        conditions.append(
            "EXISTS (SELECT 1 FROM session_starts s WHERE s.rowid = facts.rowid AND s.start_date BETWEEN ? AND ?)"
        )
        params += [(query.start_from or _MIN_DATE).isoformat(), (query.start_to or _MAX_DATE).isoformat()]
    return conditions, params


def _geo_box(query: SearchQuery) -> tuple[str, list[Any], str | None]:
    """SQL for the radius filter and the squared-distance sort key (equirectangular, in km²)."""
    if query.origin is None:
        return "", [], None
    lat0, lng0 = query.origin.lat, query.origin.lng
    scale = math.cos(math.radians(lat0))
    dist2 = (
        f"(((facts.lat - {lat0!r}) * (facts.lat - {lat0!r})) + "
        f"((facts.lng - {lng0!r}) * {scale!r}) * ((facts.lng - {lng0!r}) * {scale!r})) * {KM_PER_DEGREE**2!r}"
    )
    if query.radius_km is None:
        return "", [], dist2
    dlat = query.radius_km / KM_PER_DEGREE
    dlng = dlat / max(scale, 0.01)
    sql = f"facts.lat BETWEEN ? AND ? AND facts.lng BETWEEN ? AND ? AND {dist2} <= ?"
    return sql, [lat0 - dlat, lat0 + dlat, lng0 - dlng, lng0 + dlng, query.radius_km**2], dist2


def match_set_sql(
    query: SearchQuery, kinds: Sequence[Kind], text_match: str | None
) -> tuple[str, str, list[Any], str | None]:
    """The match set's FROM and WHERE, their parameters, and the squared-distance sort key."""
    match = " AND ".join(f"({m})" for m in (text_match, tag_expression(query, kinds)) if m)
    conditions, params = sql_conditions(query, kinds)
    geo_sql, geo_params, dist2 = _geo_box(query)
    if geo_sql:
        conditions.append(geo_sql)
        params += geo_params
    if match:
        # CROSS JOIN: the full-text index drives. Left to itself the planner may walk a docs
        # index (lat, kind) and re-run MATCH once per row, which takes seconds.
        source, params = "docs_fts CROSS JOIN facts ON facts.rowid = docs_fts.rowid", [match, *params]
        conditions.insert(0, "docs_fts MATCH ?")
    else:  # no text and no selective filter: a scan of `facts` (its broad filters are SQL)
        source = "facts"
    return source, " AND ".join(conditions) or "1", params, dist2


def order_by(query: SearchQuery, *, by_relevance: bool, dist2: str | None) -> str:
    """The page's ORDER BY; newest first when the asked order cannot apply (no text, no origin)."""
    order = {
        Sort.RELEVANCE: "m.score, facts.published_at DESC, facts.id DESC, facts.kind"
        if by_relevance
        else None,
        Sort.DISTANCE: f"facts.lat IS NULL, {dist2}, facts.id, facts.kind" if dist2 else None,
        Sort.WAGE: "facts.wage_max IS NULL, facts.wage_max DESC, facts.id DESC, facts.kind",
        Sort.NEWEST: None,
    }[query.sort]
    return order or "facts.published_at DESC, facts.id DESC, facts.kind"


def _hits(query: SearchQuery, terms: Sequence[QueryTerm], rows: list[tuple[Any, ...]]) -> list[Hit]:
    """One page of rows as hits: distance from the origin, display fields, highlighted title and snippet."""
    pattern = compile_terms(alt for term in terms for alt in term.alternatives)
    hits = []
    for kind, id_, score, title, body, display, lat, lng in rows:
        distance = None
        if query.origin is not None and lat is not None:
            distance = round(haversine_km(query.origin.lat, query.origin.lng, lat, lng), 1)
        fields = json.loads(display)
        if query.highlight:
            fields["title_html"] = mark(title, pattern)
        hits.append(
            Hit(
                kind=Kind(kind),
                id=id_,
                score=-float(score or 0.0),
                title=title,
                snippet=snippet(body, pattern) if query.highlight else "",
                distance_km=distance,
                fields=fields,
            )
        )
    return hits


class FTS5Backend:
    name = "fts5"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()

    # -- connections -----------------------------------------------------------------------
    def _open(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        # WAL persists in the file; switching needs an exclusive lock, so only when not already on.
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.execute("PRAGMA cache_size=-65536")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            has_docs = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'docs'"
            ).fetchone()[0]
            if has_docs and version == 2:
                connection.executescript(f"BEGIN IMMEDIATE; {_CONTENT_HASHES} COMMIT;")
                return connection
            if has_docs:
                # Derived data from an older layout: start empty; `search_index rebuild` (or the
                # periodic sweep's reconcile) fills it again.
                logger.warning("search index %s has an old schema; recreated empty, rebuild it", path)
                connection.close()
                for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    stale.unlink(missing_ok=True)
                return self._open(path)
            connection.executescript(_SCHEMA + _CONTENT_HASHES)
        return connection

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection, reopened when a rebuild has swapped the file."""
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            inode = None
        current = getattr(self._local, "connection", None)
        if current is None or inode is None or self._local.inode != inode:
            if current is not None:
                current.close()
            self._local.connection = self._open(self.path)
            self._local.inode = os.stat(self.path).st_ino
        return self._local.connection  # type: ignore[no-any-return]

    def close(self) -> None:
        current = getattr(self._local, "connection", None)
        if current is not None:
            current.close()
            self._local.connection = None

    # -- writing ---------------------------------------------------------------------------
    @staticmethod
    def _write(connection: sqlite3.Connection, documents: Iterable[IndexDocument]) -> int:
        count = 0
        batch: list[IndexDocument] = []

        def flush() -> None:
            rowids = [(rowid_of(d.kind, d.id),) for d in batch]
            connection.executemany("DELETE FROM docs WHERE rowid = ?", rowids)
            connection.executemany(_INSERT_FACT, [_fact_row(d) for d in batch])
            connection.executemany(_INSERT_DOC, [_doc_row(d) for d in batch])
            connection.executemany(
                "INSERT OR REPLACE INTO content_hashes (rowid, hash) VALUES (?, ?)",
                [(rowid_of(d.kind, d.id), d.content_hash) for d in batch],
            )
            connection.executemany(
                "INSERT INTO session_starts (rowid, start_date) VALUES (?, ?)",
                [(rowid_of(d.kind, d.id), s.isoformat()) for d in batch for s in d.session_starts],
            )
            suggestions = [
                (d.title, "title", key, 1) for d in batch for key in _suggestion_keys(d.title)
            ]  # fmt: skip
            connection.executemany("INSERT OR IGNORE INTO suggestions VALUES (?, ?, ?, ?)", suggestions)
            batch.clear()

        for doc in documents:
            batch.append(doc)
            count += 1
            if len(batch) >= 1000:
                flush()
        if batch:
            flush()
        return count

    def index(self, documents: Iterable[IndexDocument]) -> int:
        with self._write_lock:
            connection = self.db
            connection.execute("BEGIN IMMEDIATE")
            try:
                count = self._write(connection, documents)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return count

    def delete(self, kind: Kind, ids: Iterable[int]) -> int:
        rowids = [(rowid_of(kind, i),) for i in ids]
        with self._write_lock:
            connection = self.db
            connection.execute("BEGIN IMMEDIATE")
            before = connection.total_changes
            connection.executemany("DELETE FROM docs WHERE rowid = ?", rowids)
            deleted = connection.total_changes - before
            connection.execute("COMMIT")
        return deleted  # counts trigger rows too; callers use it as "something changed"

    def rebuild(
        self,
        documents_by_kind: dict[Kind, Iterable[IndexDocument]],
        *,
        vocabulary: Iterable[tuple[str, str]] = (),
    ) -> dict[Kind, int]:
        """Build a fresh file, check its counts, then rename it over the live index."""
        fresh = self.path.with_suffix(self.path.suffix + ".new")
        for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
            leftover.unlink(missing_ok=True)
        connection = self._open(fresh)
        counts: dict[Kind, int] = {}
        try:
            connection.execute("PRAGMA journal_mode=OFF")  # a throwaway file until the rename
            connection.execute("BEGIN")
            for kind, documents in documents_by_kind.items():
                counts[kind] = self._write(connection, documents)
            connection.executemany(
                "INSERT OR IGNORE INTO suggestions VALUES (?, ?, ?, 2)",
                [(text, kind, key) for text, kind in vocabulary for key in _suggestion_keys(text)],
            )
            connection.execute("COMMIT")
            for kind, expected in counts.items():
                stored = connection.execute(
                    "SELECT count(*) FROM facts WHERE kind = ?", (str(kind),)
                ).fetchone()[0]
                if stored != expected:
                    raise RuntimeError(f"rebuild of {kind}: {stored} stored, {expected} sent")
            connection.execute("INSERT INTO docs_fts (docs_fts) VALUES ('optimize')")
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        with self._write_lock:
            os.replace(fresh, self.path)
            for stale in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                stale.unlink(missing_ok=True)
        return counts

    # -- reading ---------------------------------------------------------------------------
    def ids(self, kind: Kind) -> set[int]:
        return {row[0] for row in self.db.execute("SELECT id FROM facts WHERE kind = ?", (str(kind),))}

    def hashes(self, kind: Kind) -> dict[int, str]:
        rows = self.db.execute(
            "SELECT facts.id, coalesce(h.hash, '') FROM facts LEFT JOIN content_hashes h ON h.rowid = facts.rowid "
            "WHERE facts.kind = ?",
            (str(kind),),
        )
        return dict(rows.fetchall())

    def stats(self) -> dict[str, object]:
        db = self.db
        counts = dict(db.execute("SELECT kind, count(*) FROM facts GROUP BY kind").fetchall())
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return {"backend": self.name, "path": str(self.path), "documents": counts, "bytes": size}

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        kinds = query.allowed_kinds()
        text = normalise(query.text)
        terms = query_terms(text) if text else []
        pinyin_query = text.replace(" ", "") if text and looks_like_pinyin(text) else None
        text_match = text_expression(terms, pinyin_query)
        if not kinds or (text and text_match is None):
            return SearchResult([], 0, {}, query.page, query.page_size, 0.0)

        source, where, params, dist2 = match_set_sql(query, kinds, text_match)
        # bm25() weighs every phrase by reading its whole doclist, so it is computed only when
        # the results are ordered by relevance.
        by_relevance = query.sort == Sort.RELEVANCE and text_match is not None
        score = "bm25(docs_fts, 3.0, 1.0, 0.5, 0.0)" if by_relevance else "0.0"
        db = self.db
        self._fill_match_set(db, f"SELECT facts.rowid, {score} FROM {source} WHERE {where}", params)
        rows = self._page_rows(db, order_by(query, by_relevance=by_relevance, dist2=dist2), query)
        if query.facets:
            facets, total = self._facets(db)
        else:
            facets, total = {}, int(db.execute("SELECT count(*) FROM m").fetchone()[0])
        hits = _hits(query, terms, rows)
        took = (time.perf_counter() - started) * 1000
        return SearchResult(hits, total, facets, query.page, query.page_size, round(took, 2))

    @staticmethod
    def _fill_match_set(db: sqlite3.Connection, select: str, params: list[Any]) -> None:
        """The match set is computed once into a per-connection temporary table `m` (rowid, score);
        the page, the total and the facets all read it."""
        db.execute("CREATE TEMP TABLE IF NOT EXISTS m (rowid INTEGER PRIMARY KEY, score REAL)")
        db.execute("DELETE FROM m")
        db.execute(f"INSERT INTO m {select}", params)

    @staticmethod
    def _page_rows(db: sqlite3.Connection, order: str, query: SearchQuery) -> list[tuple[Any, ...]]:
        """The requested page of the match set: (kind, id, score, title, body, display, lat, lng)."""
        page = db.execute(
            "SELECT m.rowid, facts.kind, facts.id, m.score, facts.lat, facts.lng "
            # CROSS JOIN pins the order: walk the match set, look narrow rows up by rowid.
            f"FROM m CROSS JOIN facts ON facts.rowid = m.rowid ORDER BY {order} LIMIT ? OFFSET ?",
            [query.page_size, query.offset],
        ).fetchall()
        wide = {
            rowid: (title, body, display)
            for rowid, title, body, display in db.execute(
                f"SELECT rowid, title, body, display FROM docs WHERE rowid IN ({','.join('?' * len(page))})",
                [row[0] for row in page],
            )
        }
        return [(kind, id_, score, *wide[rowid], lat, lng) for rowid, kind, id_, score, lat, lng in page]

    @staticmethod
    def _facets(db: sqlite3.Connection) -> tuple[dict[str, list[FacetValue]], int]:
        band_cases = " ".join(
            f"WHEN d.wage_min >= {low} {f'AND d.wage_min < {high}' if high else ''} THEN '{name}'"
            for name, low, high in WAGE_BANDS
        )
        benefit_sums = ", ".join(f"sum({column})" for column in _BENEFIT_COLUMNS.values())
        sql = f"""
        WITH f AS MATERIALIZED (SELECT d.kind, d.city, d.county, d.brand, d.occupation, d.delivery,
                                       CASE {band_cases} END AS band,
                                       d.lodging, d.meals, d.social_insurance, d.couple_rooms, d.free, d.subsidised
                                FROM m CROSS JOIN facts d ON d.rowid = m.rowid)
        SELECT 'kind', kind, count(*) FROM f GROUP BY kind
        UNION ALL SELECT 'city', city, count(*) FROM f GROUP BY city
        UNION ALL SELECT 'county', county, count(*) FROM f GROUP BY county
        UNION ALL SELECT 'brand', brand, count(*) FROM f WHERE brand != '' GROUP BY brand
        UNION ALL SELECT 'occupation', occupation, count(*) FROM f GROUP BY occupation
        UNION ALL SELECT 'delivery', delivery, count(*) FROM f WHERE delivery != '' GROUP BY delivery
        UNION ALL SELECT 'wage_band', band, count(*) FROM f WHERE band IS NOT NULL GROUP BY band
        UNION ALL SELECT 'benefits', json_array({benefit_sums}), 0 FROM f
        """
        facets: dict[str, list[FacetValue]] = {}
        total = 0
        for facet, value, count in db.execute(sql):
            if facet == "benefits":
                sums = json.loads(value)
                facets["benefits"] = [
                    FacetValue(name, name, int(n or 0))
                    for name, n in zip(_BENEFIT_COLUMNS, sums, strict=True)
                    if n
                ]
                continue
            if facet == "kind":
                total += count
            facets.setdefault(facet, []).append(FacetValue(str(value), str(value), int(count)))
        for values in facets.values():
            values.sort(key=lambda v: (-v.count, v.value))
        return facets, total

    def suggest(self, prefix: str, *, limit: int = 10) -> list[Suggestion]:
        key = normalise(prefix).replace(" ", "")
        if not key:
            return []
        rows = self.db.execute(
            "SELECT text, kind, max(weight) AS w FROM suggestions WHERE key >= ? AND key < ? "
            "GROUP BY text ORDER BY w DESC, length(text), text LIMIT ?",
            (key, key + "\U0010ffff", limit),
        ).fetchall()
        return [Suggestion(text=text, kind=kind) for text, kind, _w in rows]


_MIN_DATE = dt.date(1900, 1, 1)
_MAX_DATE = dt.date(9999, 12, 31)


def _suggestion_keys(text: str) -> Iterator[str]:
    """The text itself and its pinyin forms, each a key a typed prefix can match."""
    base = normalise(text).replace(" ", "")
    if base:
        yield base
    for term in pinyin_terms(text):
        if term != base:
            yield term
