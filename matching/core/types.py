"""The plain data the matching core works on: what goes in (workers, items, taxonomy) and what
comes out (recommendations with explanations and pathways).

No Django here: the Django side (matching/adapters.py) turns rows into these dataclasses. The
worker carries no gender, ethnicity, age, education or hukou *province*: the core cannot rank on
what it never sees. Hukou reaches it only as a `Place`, and only matters for a worker who asked to
work near home (`wants_work_near_home`).

Certificate levels follow CertificateLevel: 5 = 五级/初级工 (entry) ... 1 = 一级/高级技师, so a
LOWER number is a HIGHER level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Kind = Literal["job", "training"]
KINDS: tuple[Kind, ...] = ("job", "training")

LEVEL_LABELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}

# Why a training is recommended directly (Recommendation.reason).
REASONS = (
    "start_business",
    "upgrade_certificate",
    "desired_occupation",
    "online_far_from_venue",
    "skill_gap",
)


@dataclass(frozen=True, slots=True)
class Place:
    lat: float
    lng: float
    name: str = ""  # the division's name, for "离英德市3公里"


# How an item's occupation stands to what the worker wants (Explanation.tier): intent first.
TIERS = ("wanted", "practised", "related", "unrelated")
WANTED, PRACTISED, RELATED, UNRELATED = range(4)
# Fit labels shown to staff instead of a score (Explanation.fit).
FIT_GOOD, FIT_CONSIDER, FIT_TRAIN_FIRST = "适合", "可以考虑", "需先培训"
# Near misses (Explanation.near_misses): shown, labelled, ranked below the full fits of their tier.
NEAR_MISSES = ("wage_below_floor", "beyond_commute", "no_lodging", "licence_missing")


@dataclass(frozen=True, slots=True)
class SkillHeld:
    years: int = 0
    level: int | None = None  # CertificateLevel: 5 entry ... 1 highest


@dataclass(frozen=True)
class WorkerData:
    id: int | None
    skills: Mapping[int, SkillHeld]
    certificates: Mapping[int, int | None]  # certificate type id -> level (None: no level)
    desired_occupations: tuple[int, ...]
    text: str  # free text about the worker: desired occupation and skill names, ...
    current: Place | None
    preferred: tuple[Place, ...]
    hukou: Place | None  # used only when wants_work_near_home
    wants_work_near_home: bool
    max_commute_km: float | None
    willing_to_relocate: bool
    wage_floor: int | None
    needs_lodging: bool
    needs_meals: bool
    needs_couple_room: bool
    available_from: dt.date | None
    wants_to_start_business: bool
    # Forces "far from any training venue"; when False the core computes it from the places
    # (no offline session within max_commute_km, or FAR_FROM_VENUE_KM without a limit).
    far_from_venues: bool = False


@dataclass(frozen=True)
class ItemData:
    kind: Kind
    id: int  # posting id, or SESSION id for trainings
    program_id: int | None
    occupation_id: int
    required_skills: tuple[int, ...]  # job: required; training: skills taught
    preferred_skills: tuple[int, ...]
    certificate_id: int | None  # job: required certificate; training: awarded
    certificate_level: int | None  # job: minimum level; training: level awarded
    place: Place | None
    online: bool  # training delivered online (any place)
    wage_min: int | None
    wage_max: int | None
    lodging: bool
    meals: bool
    couple_rooms: bool
    start_date: dt.date | None
    free: bool
    subsidised: bool
    fee: float
    brand: str  # training brand value (yuecai, malanhua, ...); "" for jobs
    title: str
    text: str  # description; TF-IDF reads title + " " + text
    updated: dt.datetime | None
    employer_id: int | None = None  # jobs: at most MAX_PER_OWNER of one employer in a list


class OccupationInfo(NamedTuple):
    name: str
    skill_ids: tuple[int, ...]


class CertificateInfo(NamedTuple):
    name: str
    has_levels: bool


@dataclass(frozen=True)
class TaxonomyData:
    """Names for explanations and the occupation -> skills relation. Skill synonyms are resolved by
    the Django side: workers and items hold skill ids. Plain tuples are accepted for the values."""

    skills: Mapping[int, str]
    occupations: Mapping[int, tuple[str, tuple[int, ...]]]  # id -> (name, skill ids)
    certificates: Mapping[int, tuple[str, bool]]  # id -> (name, has_levels)
    families: Mapping[int, str] = field(default_factory=dict)  # occupation id -> family (category)
    # Typed relations (next step, neighbouring trade), both ways: occupation id -> related ids.
    relations: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    # The usual next steps only, one way: occupation id -> the ids it leads to (厨房帮工 -> 厨师).
    next_steps: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    def skill_name(self, skill_id: int) -> str:
        return self.skills.get(skill_id, f"技能{skill_id}")

    def occupation_name(self, occupation_id: int) -> str:
        info = self.occupations.get(occupation_id)
        return info[0] if info else f"职业{occupation_id}"

    def certificate_name(self, certificate_id: int) -> str:
        info = self.certificates.get(certificate_id)
        return info[0] if info else f"证书{certificate_id}"

    def certificate_has_levels(self, certificate_id: int) -> bool:
        info = self.certificates.get(certificate_id)
        return bool(info[1]) if info else False


# --- output ----------------------------------------------------------------------------------


@dataclass(slots=True)
class CertificateFit:
    required: str | None  # job: the required certificate; training: the one awarded
    held: bool
    level_ok: bool | None  # None: no certificate, or no level to compare
    required_level: int | None = None
    held_level: int | None = None


@dataclass(slots=True)
class WageFit:
    offered_min: int | None
    offered_max: int | None
    floor: int | None
    meets_floor: bool | None  # None: no floor, or no wage stated


@dataclass(slots=True)
class LodgingFit:
    needed: bool
    provided: bool


@dataclass(slots=True)
class FeatureContribution:
    name: str
    label: str  # plain Chinese
    contribution: float


@dataclass(slots=True)
class Explanation:
    """JSON-serialisable with dataclasses.asdict."""

    matched_skills: list[str]
    missing_skills: list[str]  # job: required skills not held
    certificate: CertificateFit
    distance_km: float | None  # nearest of current/preferred places; None: unknown or online
    wage: WageFit
    lodging: LodgingFit
    top_features: list[FeatureContribution]
    summary: str
    new_skills: list[str] = field(default_factory=list)  # training: skills taught not yet held
    online: bool = False
    home_distance_km: float | None = None  # only for a worker who wants to work near home
    distance_from: str = ""  # the place distance_km is measured from ("英德市")
    distance_from_chosen: bool = False  # a place the worker chose, not where they live
    tier: str = ""  # TIERS: how the item's occupation stands to what the worker wants
    near_misses: list[str] = field(default_factory=list)  # NEAR_MISSES that hold
    fit: str = ""  # FIT_GOOD / FIT_CONSIDER / FIT_TRAIN_FIRST


@dataclass(slots=True)
class Pathway:
    """An open training session that closes (part of) a job's gap."""

    session_id: int
    program_id: int | None
    title: str
    covers_skills: list[str]
    awards_certificate: str | None
    coverage: float  # share of the gap (missing skills + certificate) it closes, 0..1
    distance_km: float | None  # None: online
    start_date: dt.date | None
    free_or_subsidised: bool
    score: float
    online: bool = False


@dataclass(slots=True)
class Recommendation:
    kind: Kind
    item_id: int
    score: float
    rank: int  # 1-based
    explanation: Explanation
    pathways: list[Pathway] = field(default_factory=list)  # jobs the worker does not yet qualify for
    reason: str = ""  # trainings: one of REASONS
    qualified: bool | None = None  # jobs: all required skills and the certificate held
    # The pairwise feature row it was scored on (features.FEATURE_NAMES order, to 5 decimals): logged with a
    # stored suggestion so the ranker learns from the features as they were when staff decided.
    features: tuple[float, ...] = ()
    # Trainings: the program's other open sessions (one entry per program, its best session).
    other_sessions: list[int] = field(default_factory=list)
