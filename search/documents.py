"""What is indexed: one flat document per published posting (job) or program (training).

Index documents are not API serializers: they hold the analysed text both backends store
(jieba-segmented with the shared analysis, so both tokenise alike), the filter and facet
fields, and a small `display` dict for result cards. Built in batches with a fixed number of
queries, never one query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from backend.jobs.models import Posting
from backend.regions.models import Division
from training.models import Program, Session

from .analysis import index_text, pinyin_terms
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


def _place(division: Division, parents: dict[str, Division]) -> tuple[str, str, str]:
    """(county, city, province) codes for a division at any level."""
    province = division.code[:2] + "0000"
    if division.level == Division.Level.COUNTY:
        parent = parents.get(division.parent_id or "")
        city = parent.code if parent and parent.level == Division.Level.PREFECTURE else division.code
        return division.code, city, province
    return division.code, division.code, province


def _division_index() -> dict[str, Division]:
    return {d.code: d for d in Division.objects.only("code", "name", "level", "parent_id")}


def _pinyin(*texts: str) -> str:
    terms: list[str] = []
    for text in texts:
        terms.extend(pinyin_terms(text))
    return " ".join(dict.fromkeys(terms))


def posting_documents(
    postings: Iterable[Posting], divisions: dict[str, Division] | None = None
) -> Iterator[IndexDocument]:
    divisions = divisions or _division_index()
    for p in postings:
        division = divisions[p.division_id]
        county, city, province = _place(division, divisions)
        skills = list(p.required_skills.all()) + list(p.preferred_skills.all())
        skill_names = " ".join(s.name for s in skills)
        city_name = divisions[city].name if city in divisions else ""
        yield IndexDocument(
            kind=Kind.JOB,
            id=p.pk,
            title=p.title,
            body=p.description,
            title_tokens=index_text(f"{p.title} {p.occupation.name}"),
            body_tokens=index_text(
                f"{p.description} {skill_names} {p.employer.name} {p.employer.industry} {city_name}{division.name} {p.campaign}"
            ),
            pinyin=_pinyin(p.title, p.occupation.name, *(s.name for s in skills)),
            occupation=p.occupation.slug,
            skills=sorted({s.slug for s in p.required_skills.all()}),
            brand="",
            delivery="",
            county=county,
            city=city,
            province=province,
            lat=p.latitude if p.latitude is not None else division.latitude,
            lng=p.longitude if p.longitude is not None else division.longitude,
            wage_min=p.wage_min,
            wage_max=p.wage_max,
            free=False,
            subsidised=False,
            lodging=p.provides_lodging,
            meals=p.provides_meals,
            social_insurance=p.social_insurance,
            couple_rooms=p.couple_rooms,
            campaign=p.campaign,
            employer_id=p.employer_id,
            provider_id=None,
            session_starts=[],
            published=p.status == Posting.Status.PUBLISHED,
            published_at=p.published_at,
            display={
                "employer": p.employer.name,
                "division": f"{city_name}{division.name}" if city_name != division.name else division.name,
                "occupation": p.occupation.name,
                "wage_type": p.wage_type,
                "wage_min": p.wage_min,
                "wage_max": p.wage_max,
                "rate": str(p.rate) if p.rate is not None else None,
                "rate_unit": p.rate_unit,
                "headcount": p.headcount,
                "expires_on": p.expires_on.isoformat() if p.expires_on else None,
            },
        )


def program_documents(
    programs: Iterable[Program], divisions: dict[str, Division] | None = None
) -> Iterator[IndexDocument]:
    divisions = divisions or _division_index()
    today = timezone.localdate()
    for p in programs:
        division = divisions[p.venue_division_id]
        county, city, province = _place(division, divisions)
        skills = list(p.skills.all())
        city_name = divisions[city].name if city in divisions else ""
        starts = sorted(
            s.start_date for s in p.sessions.all() if s.start_date >= today
        )  # prefetched: open, upcoming
        yield IndexDocument(
            kind=Kind.TRAINING,
            id=p.pk,
            title=p.title,
            body=p.description,
            title_tokens=index_text(f"{p.title} {p.occupation.name} {p.get_brand_display()}"),
            body_tokens=index_text(
                f"{p.description} {' '.join(s.name for s in skills)} {p.provider.name} {city_name}{division.name} "
                f"{p.certificate_type.name if p.certificate_type else ''} {p.eligibility}"
            ),
            pinyin=_pinyin(p.title, p.occupation.name, *(s.name for s in skills)),
            occupation=p.occupation.slug,
            skills=sorted(s.slug for s in skills),
            brand=p.brand,
            delivery=p.delivery,
            county=county,
            city=city,
            province=province,
            lat=p.latitude if p.latitude is not None else division.latitude,
            lng=p.longitude if p.longitude is not None else division.longitude,
            wage_min=None,
            wage_max=None,
            free=p.is_free,
            subsidised=p.is_subsidised,
            lodging=False,
            meals=False,
            social_insurance=False,
            couple_rooms=False,
            campaign="",
            employer_id=None,
            provider_id=p.provider_id,
            session_starts=starts,
            published=p.status == Program.Status.PUBLISHED,
            published_at=p.published_at,
            display={
                "provider": p.provider.name,
                "division": f"{city_name}{division.name}" if city_name != division.name else division.name,
                "occupation": p.occupation.name,
                "brand": p.get_brand_display(),
                "delivery": p.get_delivery_display(),
                "hours": p.hours,
                "fee": str(p.fee),
                "is_free": p.is_free,
                "is_subsidised": p.is_subsidised,
                "next_start": starts[0].isoformat() if starts else None,
                "certificate": p.certificate_type.name if p.certificate_type else None,
            },
        )


def indexable_postings() -> QuerySet[Posting]:
    """Postings that belong in the index: published and not past their closing date."""
    return (
        Posting.objects.filter(status=Posting.Status.PUBLISHED)
        .exclude(expires_on__lt=timezone.localdate())
        .select_related("employer", "occupation")
        .prefetch_related("required_skills", "preferred_skills")
    )


def indexable_programs() -> QuerySet[Program]:
    open_sessions = Session.objects.filter(status=Session.Status.OPEN).only("program_id", "start_date")
    return (
        Program.objects.filter(status=Program.Status.PUBLISHED)
        .select_related("provider", "occupation", "certificate_type")
        .prefetch_related("skills", Prefetch("sessions", queryset=open_sessions))
    )
