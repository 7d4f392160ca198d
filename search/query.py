"""The search public API: a query dataclass in, a result dataclass out (both backends)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_PAGE_SIZE = 50
MAX_PAGE = 500  # deep pages are a scraper's, not a person's
MAX_TEXT_LENGTH = 200  # longer queries are cut, not refused


class Kind(StrEnum):
    JOB = "job"
    TRAINING = "training"


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DISTANCE = "distance"
    WAGE = "wage"
    NEWEST = "newest"


# Monthly wage bands for the facet (yuan): lower bound inclusive, upper exclusive.
WAGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("<4000", 0, 4000),
    ("4000-6000", 4000, 6000),
    ("6000-8000", 6000, 8000),
    ("8000-10000", 8000, 10000),
    ("10000+", 10000, None),
)
FACETS = ("kind", "city", "county", "brand", "occupation", "delivery", "wage_band", "benefits")
BENEFITS = ("lodging", "meals", "social_insurance", "couple_rooms", "free", "subsidised")


# Filters that apply to one kind only, by SearchQuery field: a query that sets one of them leaves
# the other kind out of its results (a wage floor excludes trainings, a brand excludes jobs).
JOB_ONLY_FILTERS = ("wage_floor", "lodging", "meals", "social_insurance", "campaign", "employer")
TRAINING_ONLY_FILTERS = ("brands", "delivery", "provider", "free_or_subsidised", "start_from", "start_to")
ONE_KIND_FILTERS: dict[str, Kind] = {
    **dict.fromkeys(JOB_ONLY_FILTERS, Kind.JOB),
    **dict.fromkeys(TRAINING_ONLY_FILTERS, Kind.TRAINING),
}


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lng: float


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kinds: tuple[Kind, ...] = (Kind.JOB, Kind.TRAINING)
    division: str | None = None  # 6-digit code at any level: a city code covers its counties
    brands: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()  # occupation slugs
    skills: tuple[str, ...] = ()  # skill slugs: every one must be required/taught
    delivery: tuple[str, ...] = ()  # offline | online | blended (trainings)
    wage_floor: int | None = None  # jobs paying at least this at the top of their range
    free_or_subsidised: bool = False
    lodging: bool = False
    meals: bool = False
    social_insurance: bool = False
    campaign: str | None = None
    employer: int | None = None
    provider: int | None = None
    start_from: dt.date | None = None  # trainings with a session starting in the window
    start_to: dt.date | None = None
    published_only: bool = True
    origin: GeoPoint | None = None
    radius_km: float | None = None
    sort: Sort = Sort.RELEVANCE
    facets: bool = True
    highlight: bool = True
    page: int = 1
    page_size: int = 20

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", min(max(self.page, 1), MAX_PAGE))
        object.__setattr__(self, "page_size", min(max(self.page_size, 1), MAX_PAGE_SIZE))
        object.__setattr__(self, "text", (self.text or "")[:MAX_TEXT_LENGTH])
        if self.sort == Sort.DISTANCE and self.origin is None:
            raise ValueError("sort=distance needs an origin")
        if self.radius_km is not None and self.origin is None:
            raise ValueError("radius_km needs an origin")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def is_set(self, name: str) -> bool:
        """Whether filter `name` differs from its default (a wage floor of 0 is set; "" is not)."""
        value = getattr(self, name)
        return bool(value) or (value is not None and value is not False and value != () and value != "")

    def allowed_kinds(self) -> list[Kind]:
        """The requested kinds less those a one-kind filter rules out (a wage floor: trainings)."""
        kinds = []
        if Kind.JOB in self.kinds and not any(self.is_set(f) for f in TRAINING_ONLY_FILTERS):
            kinds.append(Kind.JOB)
        if Kind.TRAINING in self.kinds and not any(self.is_set(f) for f in JOB_ONLY_FILTERS):
            kinds.append(Kind.TRAINING)
        return kinds


@dataclass
class Hit:
    kind: Kind
    id: int  # the database id of the posting or program
    score: float
    title: str
    snippet: str  # HTML-escaped text with <mark> around matched words
    distance_km: float | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # what a result card shows


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    page: int
    page_size: int
    took_ms: float = 0.0


@dataclass
class Suggestion:
    text: str
    kind: str  # title | occupation | skill
