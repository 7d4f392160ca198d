"""What is indexed: one flat document per published posting (job) or program (training).

Index documents are not API serializers: they hold the analysed text both backends store
(jieba-segmented with the shared analysis, so both tokenise alike), the filter and facet
fields, and a small `display` dict for result cards. Built in batches with a fixed number of
queries, never one query per row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backend.jobs.models import Posting
from backend.occupations.models import Brand, CertificateType, Skill
from backend.regions.models import Division
from backend.text.analysis import index_text, pinyin_terms
from training.models import Program, Session

from .query import Kind


@dataclass
class IndexDocument:
    kind: Kind
    id: int
    title: str
    body: str
    title_tokens: str  # segmented title + occupation name
    body_tokens: str  # segmented description, skills, employer/provider, place names
    pinyin: str  # full pinyin and initials of title, occupation and skills
    occupation: str  # slug
    skills: list[str]
    brand: str
    delivery: str
    county: str  # the division the item is in (6-digit code)
    city: str  # its prefecture (or itself where there is none)
    province: str
    lat: float | None
    lng: float | None
    wage_min: int | None
    wage_max: int | None
    free: bool
    subsidised: bool
    lodging: bool
    meals: bool
    social_insurance: bool
    couple_rooms: bool
    campaign: str
    employer_id: int | None
    provider_id: int | None
    session_starts: list[dt.date]
    published: bool
    published_at: dt.datetime | None
    display: dict[str, Any] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def content_hash(self) -> str:
        """A digest of everything the document holds. Both backends store it beside the document,
        so `index_reconcile` finds documents that kept old text after their row changed."""
        canonical = json.dumps(
            dataclasses.asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def _place(division: Division, divisions: dict[str, Division]) -> tuple[str, str, str]:
    """(county, city, province) codes for a division at any level."""
    province = division.code[:2] + "0000"
    if division.level == Division.Level.COUNTY:
        parent = divisions.get(division.parent_id or "")
        city = parent.code if parent and parent.level == Division.Level.PREFECTURE else division.code
        return division.code, city, province
    return division.code, division.code, province


def _place_name(division: Division, city: str, divisions: dict[str, Division]) -> str:
    city_name = divisions[city].name if city in divisions else ""
    return division.name if city_name == division.name else f"{city_name}{division.name}"


@dataclass
class Lookups:
    """Reference rows every document needs, read once per rebuild/refresh, not once per row."""

    divisions: dict[str, Division]
    skills: dict[int, tuple[str, str]]  # id -> (slug, name)
    certificates: dict[int, str]  # id -> name

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            divisions={
                d.code: d
                for d in Division.objects.only("code", "name", "level", "parent_id", "latitude", "longitude")
            },
            skills={pk: (slug, name) for pk, slug, name in Skill.objects.values_list("pk", "slug", "name")},
            certificates=dict(CertificateType.objects.values_list("pk", "name")),
        )


def _pinyin(*texts: str) -> str:
    terms: list[str] = []
    for text in texts:
        terms.extend(pinyin_terms(text))
    return " ".join(dict.fromkeys(terms))


def _pairs(through: Any, left: str, ids: list[int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for owner, skill in (
        through.objects.filter(**{f"{left}__in": ids}).values_list(left, "skill_id").order_by("pk")
    ):
        grouped[owner].append(skill)
    return grouped


_POSTING_FIELDS = (
    "id", "title", "description", "campaign", "division_id", "latitude", "longitude", "wage_type", "wage_min",
    "wage_max", "rate", "rate_unit", "headcount", "expires_on", "provides_lodging", "provides_meals",
    "social_insurance", "couple_rooms", "status", "published_at", "employer_id", "employer__name",
    "employer__industry", "occupation__slug", "occupation__name",
)  # fmt: skip


def posting_documents(ids: list[int], lookups: Lookups) -> list[IndexDocument]:
    """Documents for these postings, in three queries whatever their number."""
    rows = Posting.objects.filter(pk__in=ids).order_by("pk").values(*_POSTING_FIELDS)
    required = _pairs(Posting.required_skills.through, "posting_id", ids)
    preferred = _pairs(Posting.preferred_skills.through, "posting_id", ids)
    documents = []
    for p in rows:
        division = lookups.divisions[p["division_id"]]
        county, city, province = _place(division, lookups.divisions)
        place = _place_name(division, city, lookups.divisions)
        skill_names = [lookups.skills[s][1] for s in required[p["id"]] + preferred[p["id"]]]
        documents.append(
            IndexDocument(
                kind=Kind.JOB,
                id=p["id"],
                title=p["title"],
                body=p["description"],
                title_tokens=index_text(f"{p['title']} {p['occupation__name']}"),
                body_tokens=index_text(
                    f"{p['description']} {' '.join(skill_names)} {p['employer__name']} {p['employer__industry']} "
                    f"{place} {p['campaign']}"
                ),
                pinyin=_pinyin(p["title"], p["occupation__name"], *skill_names),
                occupation=p["occupation__slug"],
                skills=sorted({lookups.skills[s][0] for s in required[p["id"]]}),
                brand="",
                delivery="",
                county=county,
                city=city,
                province=province,
                lat=p["latitude"] if p["latitude"] is not None else division.latitude,
                lng=p["longitude"] if p["longitude"] is not None else division.longitude,
                wage_min=p["wage_min"],
                wage_max=p["wage_max"],
                free=False,
                subsidised=False,
                lodging=p["provides_lodging"],
                meals=p["provides_meals"],
                social_insurance=p["social_insurance"],
                couple_rooms=p["couple_rooms"],
                campaign=p["campaign"],
                employer_id=p["employer_id"],
                provider_id=None,
                session_starts=[],
                published=p["status"] == Posting.Status.PUBLISHED,
                published_at=p["published_at"],
                display={
                    "employer": p["employer__name"],
                    "division": place,
                    "occupation": p["occupation__name"],
                    "wage_type": p["wage_type"],
                    "wage_min": p["wage_min"],
                    "wage_max": p["wage_max"],
                    "rate": str(p["rate"]) if p["rate"] is not None else None,
                    "rate_unit": p["rate_unit"],
                    "headcount": p["headcount"],
                    "expires_on": p["expires_on"].isoformat() if p["expires_on"] else None,
                },
            )
        )
    return documents


_PROGRAM_FIELDS = (
    "id", "title", "description", "brand", "delivery", "venue_division_id", "latitude", "longitude", "hours", "fee",
    "is_free", "is_subsidised", "eligibility", "status", "published_at", "provider_id", "provider__name",
    "occupation__slug", "occupation__name", "certificate_type_id",
)  # fmt: skip
_BRANDS = dict(Brand.choices)
_DELIVERY = dict(Program.Delivery.choices)


def program_documents(ids: list[int], lookups: Lookups) -> list[IndexDocument]:
    """Documents for these programs, with their open upcoming sessions, in three queries."""
    today = timezone.localdate()
    rows = Program.objects.filter(pk__in=ids).order_by("pk").values(*_PROGRAM_FIELDS)
    taught = _pairs(Program.skills.through, "program_id", ids)
    starts: dict[int, list[dt.date]] = defaultdict(list)
    sessions = Session.objects.filter(program_id__in=ids, status=Session.Status.OPEN, start_date__gte=today)
    for program_id, start in sessions.order_by("start_date").values_list("program_id", "start_date"):
        starts[program_id].append(start)
    documents = []
    for p in rows:
        division = lookups.divisions[p["venue_division_id"]]
        county, city, province = _place(division, lookups.divisions)
        place = _place_name(division, city, lookups.divisions)
        skills = [lookups.skills[s] for s in taught[p["id"]]]
        certificate = lookups.certificates.get(p["certificate_type_id"]) if p["certificate_type_id"] else None
        brand = _BRANDS.get(p["brand"], "")
        documents.append(
            IndexDocument(
                kind=Kind.TRAINING,
                id=p["id"],
                title=p["title"],
                body=p["description"],
                title_tokens=index_text(f"{p['title']} {p['occupation__name']} {brand}"),
                body_tokens=index_text(
                    f"{p['description']} {' '.join(name for _, name in skills)} {p['provider__name']} {place} "
                    f"{certificate or ''} {p['eligibility']}"
                ),
                pinyin=_pinyin(p["title"], p["occupation__name"], *(name for _, name in skills)),
                occupation=p["occupation__slug"],
                skills=sorted(slug for slug, _ in skills),
                brand=p["brand"],
                delivery=p["delivery"],
                county=county,
                city=city,
                province=province,
                lat=p["latitude"] if p["latitude"] is not None else division.latitude,
                lng=p["longitude"] if p["longitude"] is not None else division.longitude,
                wage_min=None,
                wage_max=None,
                free=p["is_free"],
                subsidised=p["is_subsidised"],
                lodging=False,
                meals=False,
                social_insurance=False,
                couple_rooms=False,
                campaign="",
                employer_id=None,
                provider_id=p["provider_id"],
                session_starts=starts[p["id"]],
                published=p["status"] == Program.Status.PUBLISHED,
                published_at=p["published_at"],
                display={
                    "provider": p["provider__name"],
                    "division": place,
                    "occupation": p["occupation__name"],
                    "brand": brand,
                    "delivery": _DELIVERY.get(p["delivery"], ""),
                    "hours": p["hours"],
                    "fee": str(p["fee"]),
                    "is_free": p["is_free"],
                    "is_subsidised": p["is_subsidised"],
                    "next_start": starts[p["id"]][0].isoformat() if starts[p["id"]] else None,
                    "certificate": certificate,
                },
            )
        )
    return documents


def indexable_postings() -> QuerySet[Posting]:
    """Postings that belong in the index: published and not past their closing date."""
    return Posting.objects.filter(status=Posting.Status.PUBLISHED).exclude(
        expires_on__lt=timezone.localdate()
    )


def indexable_programs() -> QuerySet[Program]:
    return Program.objects.filter(status=Program.Status.PUBLISHED)
