"""The peers bench_search.py runs beside the embedded FTS5 backend, on the same corpus and queries.

OrmSearch: what a plain Django site does. Each whitespace-separated query word must be in the
title or the description (`icontains`, i.e. LIKE '%word%'), with the same status/expiry and
division filters, the same sort (no relevance: newest first), a count and facets by GROUP BY,
for postings and programs, pages merged in Python.

TantivySearch: tantivy (Rust, via its Python bindings) over the SAME segmented text the FTS5
index stores (IndexDocument.title_tokens/body_tokens/pinyin), split on whitespace, queried with
the same QueryTerms (a term's alternatives OR-ed, terms AND-ed, multi-token alternatives as
phrases; title boosted 3x like FTS5's bm25 weights), filters as raw-term queries, facets as
tantivy aggregations, and the same highlighting code for the page. Sort by wage is native
(a fast field); sort by distance is not something tantivy can do for a computed expression, so
every match's lat/lng is read from fast fields and the page is picked in Python.
"""

from __future__ import annotations

import heapq
import math
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from search.highlight import compile_terms, mark, snippet
from search.query import WAGE_BANDS, Kind
from tests.benchmarks.search_workload import Corpus, Spec, analysed

PAGE = 20
FLAGS = ("lodging", "meals", "social_insurance", "couple_rooms", "free", "subsidised")


# --- the naive Django ORM search -----------------------------------------------------------------
class OrmSearch:
    name = "orm"

    def __init__(self, today: Any) -> None:
        self.today = today

    def _querysets(self, spec: Spec) -> list[tuple[Kind, Any]]:
        from django.db.models import Q

        from backend.jobs.models import Posting
        from backend.regions.models import Division
        from training.models import Program

        words = spec.text.split()
        out = []
        for kind in spec.kinds:
            if kind == Kind.JOB:
                qs = Posting.objects.filter(status=Posting.Status.PUBLISHED).exclude(
                    expires_on__lt=self.today
                )
                place = "division"
            else:
                qs = Program.objects.filter(status=Program.Status.PUBLISHED)
                place = "venue_division"
            if spec.division_level == "county":
                qs = qs.filter(**{f"{place}_id": spec.division})
            else:  # a city and its counties, as a subquery (an OR across the join would scan every row)
                divisions = Division.objects.filter(Q(pk=spec.division) | Q(parent_id=spec.division))
                qs = qs.filter(**{f"{place}__in": divisions.values("pk")})
            for word in words:
                qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
            out.append((kind, qs))
        return out

    def _page(self, kind: Kind, qs: Any, spec: Spec) -> list[tuple[Any, dict[str, Any]]]:
        from django.db.models import ExpressionWrapper, F, FloatField, Value
        from django.db.models.functions import Coalesce

        place = "division" if kind == Kind.JOB else "venue_division"
        card = ["id", "title", "description", f"{place}__name"]
        card += ["employer__name", "wage_min", "wage_max"] if kind == Kind.JOB else ["provider__name", "fee"]
        if spec.sort == "distance":
            assert spec.origin is not None
            lat0, lng0 = spec.origin
            scale = math.cos(math.radians(lat0))
            lat = Coalesce(F("latitude"), F(f"{place}__latitude"))
            lng = Coalesce(F("longitude"), F(f"{place}__longitude"))
            dist2 = ExpressionWrapper(
                (lat - Value(lat0)) * (lat - Value(lat0))
                + (lng - Value(lng0)) * Value(scale) * (lng - Value(lng0)) * Value(scale),
                output_field=FloatField(),
            )
            rows = qs.annotate(d2=dist2).order_by("d2", "id").values(*card, "d2")[:PAGE]
            return [((row["d2"], row["id"]), row) for row in rows]
        if spec.sort == "wage" and kind == Kind.JOB:
            rows = qs.order_by(F("wage_max").desc(nulls_last=True), "-id").values(*card)[:PAGE]
            return [((row["wage_max"] is None, -(row["wage_max"] or 0), -row["id"]), row) for row in rows]
        if spec.sort == "wage":  # programs have no wage: after every job, like FTS5's NULLs last
            rows = qs.order_by("-id").values(*card)[:PAGE]
            return [((True, 0, -row["id"]), row) for row in rows]
        # relevance: a plain site has none, it shows the newest first
        rows = qs.order_by("-published_at", "-id").values(*card, "published_at")[:PAGE]
        return [((-row["published_at"].timestamp(), -row["id"]), row) for row in rows]

    def _facets(self, kind: Kind, qs: Any) -> dict[str, dict[str, int]]:
        from django.db.models import Count, Q

        place = "division" if kind == Kind.JOB else "venue_division"
        facets: dict[str, dict[str, int]] = {}
        facets["county"] = dict(qs.order_by().values_list(f"{place}_id").annotate(n=Count("id")))
        facets["city"] = dict(qs.order_by().values_list(f"{place}__parent_id").annotate(n=Count("id")))
        facets["occupation"] = dict(qs.order_by().values_list("occupation__slug").annotate(n=Count("id")))
        if kind == Kind.JOB:
            bands = {
                name: Count("id", filter=Q(wage_min__gte=low) & (Q(wage_min__lt=high) if high else Q()))
                for name, low, high in WAGE_BANDS
            }
            flags = {
                "lodging": Count("id", filter=Q(provides_lodging=True)),
                "meals": Count("id", filter=Q(provides_meals=True)),
                "social_insurance": Count("id", filter=Q(social_insurance=True)),
                "couple_rooms": Count("id", filter=Q(couple_rooms=True)),
            }
        else:
            bands = {}
            flags = {
                "free": Count("id", filter=Q(is_free=True)),
                "subsidised": Count("id", filter=Q(is_subsidised=True)),
            }
            facets["brand"] = dict(qs.order_by().values_list("brand").annotate(n=Count("id")))
            facets["delivery"] = dict(qs.order_by().values_list("delivery").annotate(n=Count("id")))
        sums = qs.order_by().aggregate(**bands, **flags)
        facets["wage_band"] = {k: v for k, v in sums.items() if k in bands and v}
        facets["benefits"] = {k: v for k, v in sums.items() if k in flags and v}
        return facets

    def search(self, spec: Spec) -> dict[str, Any]:
        """Page, total and facets (the page's rows are what a result card shows)."""
        merged: list[tuple[Any, dict[str, Any]]] = []
        total = 0
        facets: dict[str, dict[str, int]] = {}
        for kind, qs in self._querysets(spec):
            merged.extend(self._page(kind, qs, spec))
            count = qs.count()
            total += count
            facets.setdefault("kind", {})[str(kind)] = count
            for name, values in self._facets(kind, qs).items():
                bucket = facets.setdefault(name, {})
                for value, n in values.items():
                    bucket[value] = bucket.get(value, 0) + n
        hits = [row for _, row in heapq.nsmallest(PAGE, merged, key=lambda pair: pair[0])]
        return {"hits": hits, "total": total, "facets": facets}

    def ids(self, spec: Spec) -> set[int]:
        from search.backends.fts5 import rowid_of

        return {
            rowid_of(kind, pk) for kind, qs in self._querysets(spec) for pk in qs.values_list("pk", flat=True)
        }


# --- tantivy ----------------------------------------------------------------------------------------
class TantivySearch:
    name = "tantivy"
    TITLE_BOOST = 3.0

    def __init__(self, path: Path) -> None:
        self.path = path

    def build(self, corpus: Corpus, *, threads: int = 1, heap: int = 512_000_000) -> int:
        """A fresh index from the corpus (the same segmented text as FTS5); returns documents written."""
        import tantivy

        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("key", fast=True, indexed=True)  # the FTS5 rowid: id*2 + kind
        for name in ("title", "body", "pinyin"):
            builder.add_text_field(name, tokenizer_name="whitespace")
        for name in ("kind", "county", "city", "occupation", "brand", "delivery"):
            builder.add_text_field(name, fast=True, tokenizer_name="raw")
        builder.add_float_field("lat", fast=True)
        builder.add_float_field("lng", fast=True)
        builder.add_integer_field("wage_min", fast=True, indexed=True)
        builder.add_integer_field("wage_max", fast=True, indexed=True)
        for name in FLAGS:
            builder.add_integer_field(name, fast=True)
        builder.add_bytes_field("raw_title", stored=True)  # what a result card shows and highlights
        builder.add_bytes_field("raw_body", stored=True)
        self.schema = builder.build()
        index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
        writer = index.writer(heap_size=heap, num_threads=threads)
        for doc in corpus.docs:
            fields: dict[str, Any] = {
                "key": doc.rowid,
                "title": doc.title_tokens.strip(),
                "body": doc.body_tokens.strip(),
                "pinyin": " ".join(doc.pinyin),
                "kind": doc.kind,
                "county": doc.county,
                "city": doc.city,
                "occupation": doc.occupation,
                "raw_title": doc.raw_title.encode(),
                "raw_body": doc.raw_body.encode(),
            }
            for name in ("brand", "delivery"):
                if getattr(doc, name):
                    fields[name] = getattr(doc, name)
            if doc.lat is not None and doc.lng is not None:
                fields["lat"], fields["lng"] = doc.lat, doc.lng
            for name in ("wage_min", "wage_max"):
                if getattr(doc, name) is not None:
                    fields[name] = getattr(doc, name)
            for name, value in zip(FLAGS, doc.flags, strict=True):
                fields[name] = value
            writer.add_document(tantivy.Document(**fields))
        writer.commit()
        writer.wait_merging_threads()
        self.index = index
        index.reload()
        self.searcher = index.searcher()
        return len(corpus.docs)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    # -- queries ---------------------------------------------------------------------------
    def _alternative(self, alt: Sequence[str]) -> Any:
        from tantivy import Occur, Query

        clauses = []
        for name in ("title", "body"):
            if len(alt) == 1:
                query = Query.term_query(self.schema, name, alt[0])
            else:
                query = Query.phrase_query(self.schema, name, list(alt))
            if name == "title":
                query = Query.boost_query(query, self.TITLE_BOOST)
            clauses.append((Occur.Should, query))
        return Query.boolean_query(clauses)

    def query(self, spec: Spec) -> Any:
        from tantivy import Occur, Query

        terms, pinyin_query = analysed(spec.text)
        term_queries = [
            Query.boolean_query([(Occur.Should, self._alternative(alt)) for alt in term.alternatives if alt])
            for term in terms
            if any(term.alternatives)
        ]
        text: Any = Query.boolean_query([(Occur.Must, q) for q in term_queries]) if term_queries else None
        if pinyin_query:
            prefix = Query.regex_query(self.schema, "pinyin", f"{pinyin_query}.*")  # ASCII letters only
            text = (
                prefix
                if text is None
                else Query.boolean_query([(Occur.Should, text), (Occur.Should, prefix)])
            )
        if text is None:
            return None
        field = "county" if spec.division_level == "county" else "city"
        filters = [Query.term_query(self.schema, field, spec.division)]
        if spec.kind != "all":
            filters.append(Query.term_query(self.schema, "kind", spec.kind))
        return Query.boolean_query(
            [(Occur.Must, text), *((Occur.Must, Query.const_score_query(f, 0.0)) for f in filters)]
        )

    def _aggregations(self) -> dict[str, Any]:
        terms = {
            name: {"terms": {"field": name, "size": 1000}}
            for name in ("kind", "city", "county", "occupation", "brand", "delivery")
        }
        ranges = [
            {"key": name, **({"from": low} if low else {}), **({"to": high} if high else {})}
            for name, low, high in WAGE_BANDS
        ]
        return {
            **terms,
            "wage_band": {"range": {"field": "wage_min", "ranges": ranges}},
            **{name: {"sum": {"field": name}} for name in FLAGS},
        }

    def search(self, spec: Spec) -> dict[str, Any]:
        from tantivy import Order

        query = self.query(spec)
        if query is None:
            return {"hits": [], "total": 0, "facets": {}}
        searcher = self.searcher
        aggregated = searcher.aggregate(query, self._aggregations())
        total = sum(b["doc_count"] for b in aggregated["kind"]["buckets"])
        facets = {
            name: {b["key"]: b["doc_count"] for b in value["buckets"] if b["doc_count"]}
            for name, value in aggregated.items()
            if "buckets" in value
        }
        facets["benefits"] = {name: int(aggregated[name]["value"] or 0) for name in FLAGS}
        if total == 0:
            addresses = []
        elif spec.sort == "relevance":
            addresses = [address for _, address in searcher.search(query, PAGE, count=False).hits]
        elif spec.sort == "wage":
            result = searcher.search(query, PAGE, count=False, order_by_field="wage_max", order=Order.Desc)
            addresses = [address for _, address in result.hits]
        else:  # distance: every match's coordinates from the fast fields, the page picked here
            assert spec.origin is not None
            everything = [address for _, address in searcher.search(query, total, count=False).hits]
            lats = searcher.fast_field_values("lat", everything)
            lngs = searcher.fast_field_values("lng", everything)
            keys = searcher.fast_field_values("key", everything)
            lat0, lng0 = spec.origin
            scale = math.cos(math.radians(lat0))
            ranked = heapq.nsmallest(
                PAGE,
                range(len(everything)),
                key=lambda i: (
                    (lats[i] - lat0) ** 2 + ((lngs[i] - lng0) * scale) ** 2
                    if lats[i] is not None
                    else math.inf,
                    keys[i],
                ),
            )
            addresses = [everything[i] for i in ranked]
        terms, _ = analysed(spec.text)
        pattern = compile_terms(alt for term in terms for alt in term.alternatives)
        hits = []
        for address in addresses:
            stored = searcher.doc(address)
            title = stored.get_first("raw_title").decode()
            body = stored.get_first("raw_body").decode()
            hits.append({"title_html": mark(title, pattern), "snippet": snippet(body, pattern)})
        return {"hits": hits, "total": total, "facets": facets}

    def ids(self, spec: Spec) -> set[int]:
        query = self.query(spec)
        if query is None:
            return set()
        count = self.searcher.search(query, 1, count=True).count
        if not count:
            return set()
        addresses = [address for _, address in self.searcher.search(query, count, count=False).hits]
        return set(self.searcher.fast_field_values("key", addresses))
