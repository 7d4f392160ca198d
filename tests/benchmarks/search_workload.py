"""The workload of bench_search.py: a fixed query mix, suggest prefixes, the in-memory corpus and
the brute-force ground truths the engines are scored against.

Everything here is deterministic for a given database (the benchmark corpus is generated with a
fixed seed and date): candidate terms and divisions are read in a stable order and drawn with a
seeded random.Random.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from backend.text.analysis import QueryTerm, looks_like_pinyin, normalise, query_terms
from search.query import GeoPoint, Kind, SearchQuery, Sort

QUERY_SEED = 20260302

# Words people type, beside what the taxonomy holds (aliases of 母婴护理员, 生产操作工, 焊工, 家政服务员...).
COMMON_WORDS = (
    "月嫂",
    "普工",
    "电焊",
    "保姆",
    "厨师",
    "保安",
    "叉车",
    "快递",
    "服务员",
    "家政",
    "司机",
    "电工",
)
COMMON_PINYIN = ("jiazheng", "jz", "yuesao", "pugong", "dianhan", "baomu", "chushi", "cc", "baoan", "kuaidi")
BENEFIT_WORDS = ("包吃住", "包住", "包吃", "五险", "长白班", "夫妻房", "两班倒")


def analysed(text: str) -> tuple[list[QueryTerm], str | None]:
    """The engine's own query analysis: terms with synonyms, and the pinyin prefix if it looks like one."""
    text = normalise(text)
    terms = query_terms(text) if text else []
    pinyin_query = text.replace(" ", "") if text and looks_like_pinyin(text) else None
    return terms, pinyin_query


@dataclass(frozen=True)
class Spec:
    """One query of the mix, in the terms every engine understands."""

    text: str
    kind: str  # all | job | training
    division: str  # a county or a city code (6 digits)
    division_level: str  # county | city
    sort: str  # distance | relevance | wage
    near: str | None  # the county whose centroid is the origin (sort=distance)
    origin: tuple[float, float] | None
    family: str  # what the text was drawn from (word, alias, pinyin, ...)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return (Kind.JOB, Kind.TRAINING) if self.kind == "all" else (Kind(self.kind),)

    def search_query(self, *, facets: bool = True, highlight: bool = True) -> SearchQuery:
        return SearchQuery(
            text=self.text,
            kinds=self.kinds,
            division=self.division,
            origin=GeoPoint(*self.origin) if self.origin else None,
            sort=Sort(self.sort),
            facets=facets,
            highlight=highlight,
        )

    def api_params(self) -> dict[str, str]:
        params = {"q": self.text, "kind": self.kind, "division": self.division, "sort": self.sort}
        if self.near:
            params["near"] = self.near  # the API resolves a division code to its centroid
        return params


@dataclass
class Vocabulary:
    occupations: list[tuple[str, list[str]]]  # (name, aliases) of occupations with postings
    skills: list[tuple[str, list[str]]]
    counties: list[tuple[str, str, str, float, float]]  # (code, name, city code, lat, lng), with data
    county_weights: list[int]  # documents in each county: searches go where the jobs are
    cities: list[str]  # city codes with data
    short_names: dict[str, str]  # county code -> the name people type (英德, 连南)


def load_vocabulary(corpus: Corpus) -> Vocabulary:
    """Terms and places that have data in the benchmark corpus, in a stable order."""
    from backend.occupations.models import Occupation, Skill
    from backend.regions.models import Division
    from backend.text.dictionary import division_short_name

    used = {d.occupation for d in corpus.docs}
    occupations = [
        (name, list(aliases or []))
        for slug, name, aliases in Occupation.objects.order_by("slug").values_list("slug", "name", "aliases")
        if slug in used
    ]
    skills = [
        (name, list(aliases or []))
        for name, aliases in Skill.objects.order_by("slug").values_list("name", "aliases")
    ]
    per_county: dict[str, int] = defaultdict(int)
    for d in corpus.docs:
        per_county[d.county] += 1
    divisions = {d.code: d for d in Division.objects.filter(code__in=per_county)}
    counties = []
    short_names = {}
    for code in sorted(per_county):
        division = divisions[code]
        if division.level != Division.Level.COUNTY or per_county[code] < 50:
            continue
        counties.append(
            (code, division.name, division.parent_id or code, division.latitude, division.longitude)
        )
        short_names[code] = division_short_name(division.name) or division.name
    cities = sorted({d.city for d in corpus.docs})
    weights = [per_county[c[0]] for c in counties]
    return Vocabulary(occupations, skills, counties, weights, cities, short_names)


def _pinyin_forms(words: Iterable[str]) -> list[str]:
    from backend.text.pinyin import full_pinyin, initials

    forms = []
    for word in words:
        forms.extend(f for f in (full_pinyin(word), initials(word)) if len(f) >= 2 and f.isalpha())
    return forms


ZERO_RESULT_KEEP = 0.3  # a drawn query with no result is kept with this chance (search logs: ~10-20%)


def build_mix(
    vocabulary: Vocabulary, count: int, corpus: Corpus | None = None, seed: int = QUERY_SEED
) -> list[Spec]:
    """`count` queries: realistic text, each with a division filter, facets on, mostly sorted by
    distance. Counties are drawn in proportion to their documents; with a corpus, a query whose
    token ground truth is empty is redrawn unless a ZERO_RESULT_KEEP roll keeps it."""
    rng = random.Random(seed)
    names = [name for name, _ in vocabulary.occupations]
    aliases = [a for _, group in vocabulary.occupations for a in group]
    skill_words = [w for name, group in vocabulary.skills for w in (name, *group)]
    pinyin = sorted(set(_pinyin_forms(names + aliases)))
    by_city: dict[str, list[tuple[str, str, str, float, float]]] = defaultdict(list)
    for county in vocabulary.counties:
        by_city[county[2]].append(county)
    cities = [c for c in vocabulary.cities if c in by_city]
    own_city = [c for c in vocabulary.cities if c not in by_city]  # 东莞, 中山: cities without counties

    families = (
        ("word", 18, lambda: rng.choice(COMMON_WORDS)),
        ("alias", 16, lambda: rng.choice(aliases)),
        ("occupation", 10, lambda: rng.choice(names)),
        ("skill", 10, lambda: rng.choice(skill_words)),
        ("pinyin", 14, lambda: rng.choice(COMMON_PINYIN) if rng.random() < 0.5 else rng.choice(pinyin)),
        ("place", 6, None),  # a county's name, filtered to its city
        (
            "word+benefit",
            10,
            lambda: f"{rng.choice(COMMON_WORDS + tuple(aliases))} {rng.choice(BENEFIT_WORDS)}",
        ),
        ("word+place", 8, None),
        ("unspaced", 8, lambda: rng.choice(COMMON_WORDS + tuple(aliases)) + rng.choice(BENEFIT_WORDS)),
    )
    weights = [w for _, w, _ in families]
    specs: list[Spec] = []
    while len(specs) < count:
        family, _, make = rng.choices(families, weights=weights)[0]
        county = rng.choices(vocabulary.counties, weights=vocabulary.county_weights)[0]
        code, _, city, lat, lng = county
        if family in ("place", "word+place"):
            place = vocabulary.short_names[code]
            text = place if family == "place" else f"{rng.choice(COMMON_WORDS + tuple(aliases))} {place}"
            division, level = city, "city"
        else:
            assert make is not None
            text = make()
            if rng.random() < 0.65:
                division, level = code, "county"
            elif own_city and rng.random() < 0.15:
                division = rng.choice(own_city)
                level, code, lat, lng = "city", division, *vocabulary_centroid(division)
            else:
                division, level = rng.choice(cities), "city"
                code, _, _, lat, lng = rng.choice(by_city[division])
        sort = rng.choices(("distance", "relevance", "wage"), weights=(60, 25, 15))[0]
        kind = rng.choices(("all", "job", "training"), weights=(70, 20, 10))[0]
        near = code if sort == "distance" else None
        origin = (lat, lng) if sort == "distance" else None
        spec = Spec(text, kind, division, level, sort, near, origin, family)
        empty = corpus is not None and not token_truth(corpus, spec, *analysed(text))
        if empty and rng.random() >= ZERO_RESULT_KEEP:
            continue
        specs.append(spec)
    return specs


def vocabulary_centroid(code: str) -> tuple[float, float]:
    from backend.regions.models import Division

    division = Division.objects.get(code=code)
    return division.latitude, division.longitude


def build_prefixes(vocabulary: Vocabulary, count: int, seed: int = QUERY_SEED) -> list[str]:
    """What a search box sends while typing: 1-3 Chinese characters, or 1-6 pinyin letters."""
    rng = random.Random(seed + 1)
    words = sorted({w for name, group in vocabulary.occupations for w in (name, *group)} | set(COMMON_WORDS))
    words += sorted({w for name, group in vocabulary.skills for w in (name, *group)})
    pinyin = sorted(set(_pinyin_forms(words)) | set(COMMON_PINYIN))
    prefixes = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.55:
            word = rng.choice(words)
            prefixes.append(word[: rng.choice((1, 2, 2, 3))])
        else:
            form = rng.choice(pinyin)
            prefixes.append(form[: rng.randint(1, min(6, len(form)))])
    return prefixes


# --- the corpus in memory, from the very documents the index is built from ---------------------
@dataclass(slots=True)
class Doc:
    rowid: int
    kind: str
    id: int
    title_tokens: str  # " " + index tokens + " ": a phrase is a padded substring
    body_tokens: str
    pinyin: tuple[str, ...]
    title: str  # original text, lowercased (the literal ground truth)
    body: str
    county: str
    city: str
    occupation: str
    brand: str
    delivery: str
    lat: float | None
    lng: float | None
    wage_min: int | None
    wage_max: int | None
    flags: tuple[int, ...]  # lodging, meals, social_insurance, couple_rooms, free, subsidised
    raw_title: str
    raw_body: str


@dataclass
class Corpus:
    docs: list[Doc] = field(default_factory=list)
    by_division: dict[str, list[Doc]] = field(default_factory=lambda: defaultdict(list))

    def add(self, doc: Doc) -> None:
        self.docs.append(doc)
        self.by_division[doc.county].append(doc)
        if doc.city != doc.county:
            self.by_division[doc.city].append(doc)

    def candidates(self, spec: Spec) -> Iterable[Doc]:
        kinds = {str(k) for k in spec.kinds}
        return (d for d in self.by_division.get(spec.division, ()) if d.kind in kinds)


def doc_from_index_document(document) -> Doc:  # type: ignore[no-untyped-def]
    from search.backends.fts5 import rowid_of

    return Doc(
        rowid=rowid_of(document.kind, document.id),
        kind=str(document.kind),
        id=document.id,
        title_tokens=f" {document.title_tokens} ",
        body_tokens=f" {document.body_tokens} ",
        pinyin=tuple(document.pinyin.split()),
        title=document.title.lower(),
        body=document.body.lower(),
        county=document.county,
        city=document.city,
        occupation=document.occupation,
        brand=document.brand,
        delivery=document.delivery,
        lat=document.lat,
        lng=document.lng,
        wage_min=document.wage_min,
        wage_max=document.wage_max,
        flags=tuple(
            int(getattr(document, f))
            for f in ("lodging", "meals", "social_insurance", "couple_rooms", "free", "subsidised")
        ),
        raw_title=document.title,
        raw_body=document.body,
    )


# --- ground truths -----------------------------------------------------------------------------
def token_truth(corpus: Corpus, spec: Spec, terms: Sequence[QueryTerm], pinyin_query: str | None) -> set[int]:
    """Documents within the filters whose segmented title or body holds, for EVERY query term, one of
    the term's alternatives (its own tokens or a synonym's) as adjacent tokens in one field; or, for
    a pinyin-looking query, whose pinyin field has a token starting with the query."""
    needles = [[f" {' '.join(alt)} " for alt in term.alternatives if alt] for term in terms]
    found = set()
    for doc in corpus.candidates(spec):
        text_ok = bool(needles) and all(
            any(n in doc.title_tokens or n in doc.body_tokens for n in alternatives)
            for alternatives in needles
        )
        if text_ok or (pinyin_query and any(p.startswith(pinyin_query) for p in doc.pinyin)):
            found.add(doc.rowid)
    return found


def literal_truth(corpus: Corpus, spec: Spec) -> set[int]:
    """Documents within the filters whose original title or description contains every
    whitespace-separated query word as a substring (case-insensitive): what the ORM peer means."""
    words = [w.lower() for w in spec.text.split()]
    return {
        d.rowid for d in corpus.candidates(spec) if words and all(w in d.title or w in d.body for w in words)
    }


def precision_recall(found: set[int], truth: set[int]) -> tuple[float | None, float | None]:
    """(precision, recall) of one full result set; None where undefined (nothing found / nothing true)."""
    hit = len(found & truth)
    return (hit / len(found) if found else None, hit / len(truth) if truth else None)
