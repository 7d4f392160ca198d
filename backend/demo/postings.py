"""One job posting of the demo, drawn from its occupation, industry, employer and place.

`draft_posting` is the posting generator of the demo (`DemoSeeder`) and of the matching
evaluation set (matching/evaluation/build_set.py): it returns an unsaved `Posting` with its
required and preferred skill ids. Its steps draw from the caller's `random.Random` in a fixed
order (wage, skills, certificate, conditions, status, campaign, title, coordinates, address), so
the same seed gives the same postings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from backend.jobs.models import Employer, Posting

from . import texts
from .catalogue import Catalogue, Cert, Industry, Occ, Place, WageBand
from .draws import DemoClock, jitter


class PostingDraft(NamedTuple):
    posting: Posting  # unsaved, without an external id
    required: list[int]  # skill ids
    preferred: list[int]


@dataclass(frozen=True)
class _Wage:
    type: str
    minimum: int | None
    maximum: int | None
    rate: Decimal | None
    rate_unit: str


@dataclass(frozen=True)
class _Conditions:
    lodging: bool
    meals: bool
    insurance: bool
    couple_rooms: bool
    shifts: str
    headcount: int


@dataclass(frozen=True)
class _Lifecycle:
    status: str
    published: dt.datetime | None
    expires: dt.date | None


def _wage(rng: random.Random, band: WageBand, factor: float) -> _Wage:
    """Monthly, piece or daily pay in the occupation's band, scaled to the place's wage level;
    piece and day rates come with a monthly range half of the time."""
    low, high = band.monthly[0] * factor, band.monthly[1] * factor
    roll = rng.random()
    wage_type = (
        Posting.WageType.PIECE
        if roll < band.piece
        else Posting.WageType.DAILY
        if roll < band.piece + band.daily
        else Posting.WageType.MONTHLY
    )
    wage_min = wage_max = None
    rate = None
    rate_unit = ""
    if wage_type == Posting.WageType.MONTHLY or rng.random() < 0.5:
        step = 500 if rng.random() < 0.6 else 100
        wage_min = max(1800, round((low + rng.uniform(0, 0.45) * (high - low)) / step) * step)
        wage_max = round((wage_min + rng.uniform(0.15, 0.6) * (high - low)) / step) * step
        wage_max = min(max(wage_max, wage_min + 500), max(round(high / 100) * 100, wage_min + 500))
    if wage_type == Posting.WageType.PIECE:
        rate = Decimal(
            str(round(rng.uniform(*band.piece_rate) * factor, 2 if band.piece_rate[1] < 10 else 0))
        )
        rate = max(rate, Decimal("0.1"))
        rate_unit = band.piece_unit
    elif wage_type == Posting.WageType.DAILY:
        rate = Decimal(round(rng.uniform(*band.daily_rate) * factor / 10) * 10)
        rate_unit = "天"
    return _Wage(wage_type, wage_min, wage_max, rate, rate_unit)


def _skills(rng: random.Random, occ: Occ) -> tuple[list[int], list[int]]:
    """1-3 required skills of the occupation and up to 2 preferred ones."""
    skills = [skill for skill, _ in occ.skills]
    req_count = min(len(skills), rng.randint(1, 3))
    chosen = rng.sample(skills, min(len(skills), req_count + rng.randint(0, 2)))
    return sorted(chosen[:req_count]), sorted(chosen[req_count:])


def _certificate(rng: random.Random, occ: Occ) -> tuple[Cert | None, int | None]:
    """Usually the occupation's licence where it has one; now and then its skill-level
    certificate (with a level) instead."""
    certificate, level = None, None
    if occ.licences:
        usual = occ.licences[0]
        needs = 0.9 if usual.kind in ("special_operation", "driving") else 0.85
        if rng.random() < needs:
            certificate = usual if rng.random() < 0.8 else rng.choice(occ.licences)
    if certificate is None and rng.random() < 0.15:
        certificate = occ.skill_level_cert()
    if certificate is not None and certificate.has_levels:
        level = rng.choices((5, 4, 3), weights=(55, 35, 10))[0]
    return certificate, level


def _conditions(rng: random.Random, industry: Industry | None) -> _Conditions:
    """Lodging, meals, insurance, couple rooms, shifts and headcount with the industry's odds."""
    lodging = rng.random() < (industry.lodging if industry else 0.4)
    meals = rng.random() < (industry.meals if industry else 0.5)
    insurance = rng.random() < (industry.insurance if industry else 0.5)
    couple = lodging and rng.random() < (industry.couple_rooms if industry else 0.05)
    shifts = industry.shifts.pick(rng) if industry else Posting.Shifts.DAY
    head_low, head_high = industry.headcount if industry else (1, 10)
    headcount = head_low + int((head_high - head_low) * rng.random() ** 3)
    return _Conditions(lodging, meals, insurance, couple, shifts, headcount)


def _lifecycle(rng: random.Random, clock: DemoClock) -> _Lifecycle:
    """Published (most), filled, expired or a draft, with dates that fit the status."""
    today = clock.today
    roll = rng.random()
    published: dt.datetime | None
    expires: dt.date | None
    if roll < 0.72:
        status, published = Posting.Status.PUBLISHED, clock.when(rng, 0, 45)
        expires = published.date() + dt.timedelta(days=rng.randint(30, 90))
        expires = max(expires, today + dt.timedelta(days=rng.randint(3, 30)))
    elif roll < 0.80:
        status, published = Posting.Status.FILLED, clock.when(rng, 20, 120)
        expires = published.date() + dt.timedelta(days=rng.randint(30, 90))
    elif roll < 0.93:
        status, published = Posting.Status.EXPIRED, clock.when(rng, 60, 240)
        expires = min(
            published.date() + dt.timedelta(days=rng.randint(30, 90)),
            today - dt.timedelta(days=rng.randint(1, 20)),
        )
    else:
        status, published = Posting.Status.DRAFT, None
        expires = today + dt.timedelta(days=rng.randint(20, 60)) if rng.random() < 0.5 else None
    return _Lifecycle(status, published, expires)


def _campaign(rng: random.Random, campaigns: Sequence[tuple[str, float]]) -> str:
    """The recruitment campaign (南粤春暖…) a published posting belongs to, by shares; or none."""
    roll = rng.random()
    for name, share in campaigns:
        if roll < share:
            return name
        roll -= share
    return ""


def draft_posting(
    rng: random.Random,
    *,
    cat: Catalogue,
    clock: DemoClock,
    occ: Occ,
    industry: Industry | None,
    employer: Employer,
    place: Place,
    campaigns: Sequence[tuple[str, float]],
) -> PostingDraft:
    """A posting of `employer` for `occ` at `place` (`campaigns`: (name, share) pairs)."""
    wage = _wage(rng, occ.wage, cat.wage_factor(place))
    required, preferred = _skills(rng, occ)
    certificate, level = _certificate(rng, occ)
    conditions = _conditions(rng, industry)
    lifecycle = _lifecycle(rng, clock)
    campaign = _campaign(rng, campaigns) if lifecycle.status != Posting.Status.DRAFT else ""
    title = texts.posting_title(rng, occ)
    lat, lng = jitter(rng, place)
    description = texts.posting_description(
        title=title,
        headcount=conditions.headcount,
        place=place,
        skill_names=[cat.skill_names[s] for s in required],
        certificate=certificate,
        pay=texts.pay_text(
            monthly=wage.type == Posting.WageType.MONTHLY,
            wage_min=wage.minimum,
            wage_max=wage.maximum,
            rate=wage.rate,
            rate_unit=wage.rate_unit,
        ),
        benefits=texts.benefit_texts(
            lodging=conditions.lodging,
            meals=conditions.meals,
            insurance=conditions.insurance,
            couple_rooms=conditions.couple_rooms,
        ),
        shifts_label=str(Posting.Shifts(conditions.shifts).label),
    )
    same_place = place.code == employer.county_id
    posting = Posting(
        employer_id=employer.pk,
        title=title[:128],
        occupation_id=occ.id,
        required_certificate_id=certificate.id if certificate else None,
        required_certificate_level=level,
        headcount=max(1, conditions.headcount),
        wage_type=wage.type,
        wage_min=wage.minimum,
        wage_max=wage.maximum,
        rate=wage.rate,
        rate_unit=wage.rate_unit,
        provides_lodging=conditions.lodging,
        provides_meals=conditions.meals,
        social_insurance=conditions.insurance,
        couple_rooms=conditions.couple_rooms,
        shifts=conditions.shifts,
        division_id=place.code,
        address=employer.address if same_place else texts.address(rng, place, roads=cat.roads),
        latitude=lat,
        longitude=lng,
        campaign=campaign,
        description=description,
        status=lifecycle.status,
        published_at=lifecycle.published,
        expires_on=lifecycle.expires,
    )
    return PostingDraft(posting, required, preferred)
