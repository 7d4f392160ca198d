"""Reads of the staff pages: the review queue's rows, the centre's counties and workers, and the county
dashboard's aggregates (one grouped query per measure, never a loop over big tables)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, DateTimeField, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from backend.accounts.policies import covered_county_codes, role_of
from backend.jobs.models import Application, Posting
from backend.occupations.models import Brand
from backend.regions.models import Division
from backend.workers.models import WorkerProfile
from backend.workers.selectors import worker_list
from matching.models import Suggestion
from matching.selectors import suggestion_list
from training.models import Enrolment, Program


def covered_counties(*, user: Any) -> list[Division]:
    """The county-level divisions of the staff member's centre (every county for an admin)."""
    qs = Division.objects.filter(level=Division.Level.COUNTY)
    if role_of(user) != "admin":
        qs = qs.filter(code__in=covered_county_codes(user))
    return list(qs.order_by("code"))


def review_queue(*, user: Any, **filters: Any) -> QuerySet[Suggestion]:
    """The suggestions the user may review, with what approval created, for the queue's rows.

    Each worker's first suggestions come first (rank 1 of every worker, then rank 2, ...): one
    worker's twenty never fill a page while others wait; scores of different workers are not
    comparable anyway."""
    return (
        suggestion_list(user=user, **filters)
        .select_related("worker__current_division", "application", "enrolment")
        .prefetch_related("worker__desired_occupations")
        .order_by("rank", "-score", "id")
    )


def worker_for_staff(*, user: Any, worker_id: int) -> WorkerProfile:
    """A worker the staff member may see (their counties); 404 otherwise."""
    return get_object_or_404(worker_list(user=user), pk=worker_id)


def mask_name(name: str) -> str:
    """张三丰 → 张**: the queue shows who without showing the whole name."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


# --- the county dashboard ----------------------------------------------------------------------

MEASURES = (
    "postings",
    "programs",
    "workers",
    "reviewed",
    "approved",
    "referrals",
    "hires",
    "certifications",
)


def _months(count: int, today: dt.date) -> list[dt.date]:
    """The first days of the last `count` months, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _grouped(
    qs: QuerySet[Any], *, when: Any, county: str, brand: str | None = None, **counts: Any
) -> list[dict[str, Any]]:
    """One GROUP BY month, county (and brand) query; months as dates."""
    # Annotation names that no model has as a field (Program has a "brand").
    keys = {"g_month": TruncMonth(when, output_field=DateTimeField()), "g_county": F(county)}
    if brand:
        keys["g_brand"] = F(brand)
    rows = qs.annotate(**keys).values(*keys).annotate(**(counts or {"n": Count("pk")})).order_by()
    out = []
    for row in rows:
        month = row.pop("g_month")
        row["month"] = timezone.localtime(month).date().replace(day=1) if month else None
        row["county"] = row.pop("g_county")
        if brand:
            row["brand"] = row.pop("g_brand")
        out.append(row)
    return out


# Per (month, county) or (month, county, brand): {measure: count}.
ByCounty = dict[tuple[dt.date, str], dict[str, float]]
ByBrand = dict[tuple[dt.date, str, str], dict[str, float]]


def dashboard(*, user: Any, months: int = 12, county: str | None = None) -> dict[str, Any]:
    """Monthly figures per covered county (and per training brand) since `months` months ago.

    Returns {"months", "counties", "rows": [(month, county, {measure: n})], "brand_rows": [...]}.
    """
    counties = covered_counties(user=user)
    if county:
        counties = [c for c in counties if c.code == county]
    codes = [c.code for c in counties]
    month_list = _months(months, timezone.localdate())
    since = timezone.make_aware(dt.datetime.combine(month_list[0], dt.time.min))
    by_county: ByCounty = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    by_brand: ByBrand = defaultdict(lambda: {"programs": 0, "certifications": 0})
    _count_catalogue(by_county, by_brand, codes=codes, since=since)
    _count_reviews(by_county, codes=codes, since=since)
    _count_outcomes(by_county, by_brand, codes=codes, since=since)
    names = {c.code: c.name for c in counties}
    if role_of(user) == "admin" and not county:
        # Every county of the country: only those with a figure in the period get rows (a dozen
        # months of zeros for each of ~2,800 counties was a 34,000-row, 8 MB page). A centre's own
        # counties keep their zero rows: that a county had nothing is news to its staff.
        active = {code for _month, code in by_county}
        names = {code: name for code, name in names.items() if code in active}
    return {
        "months": month_list,
        "counties": counties,
        "rows": _county_rows(by_county, months=month_list, names=names),
        "brand_rows": _brand_rows(by_brand, names=names),
    }


def _add(totals: dict[Any, dict[str, float]], rows: list[dict[str, Any]], measure: str, *keys: str,
         field: str = "n") -> None:  # fmt: skip
    """Add one grouped query's counts into `totals` under (month, *keys) (rows without a month skipped)."""
    for row in rows:
        if row["month"] is not None:
            totals[(row["month"], *(row[k] for k in keys))][measure] += row[field]


def _count_catalogue(by_county: ByCounty, by_brand: ByBrand, *, codes: list[str], since: dt.datetime) -> None:
    """Postings published, programs created (also by brand) and workers registered."""
    postings = _grouped(
        Posting.objects.filter(division_id__in=codes, published_at__gte=since),
        when="published_at",
        county="division_id",
    )
    _add(by_county, postings, "postings", "county")
    programs = _grouped(
        Program.objects.filter(venue_division_id__in=codes, created_at__gte=since),
        when="created_at",
        county="venue_division_id",
        brand="brand",
    )
    _add(by_county, programs, "programs", "county")
    _add(by_brand, programs, "programs", "county", "brand")
    workers = _grouped(
        WorkerProfile.objects.filter(current_division_id__in=codes, created_at__gte=since),
        when="created_at",
        county="current_division_id",
    )
    _add(by_county, workers, "workers", "county")


def _count_reviews(by_county: ByCounty, *, codes: list[str], since: dt.datetime) -> None:
    """Suggestions reviewed and approved, and staff referrals, by the worker's county."""
    reviews = _grouped(
        Suggestion.objects.filter(worker__current_division_id__in=codes, reviewed_at__gte=since),
        when="reviewed_at",
        county="worker__current_division_id",
        n=Count("pk"),
        approved=Count("pk", filter=Q(status=Suggestion.Status.APPROVED)),
    )
    _add(by_county, reviews, "reviewed", "county")
    _add(by_county, reviews, "approved", "county", field="approved")
    referrals = _grouped(
        Application.objects.filter(
            worker__current_division_id__in=codes,
            source=Application.Source.STAFF_REFERRAL,
            created_at__gte=since,
        ),
        when="created_at",
        county="worker__current_division_id",
    )
    _add(by_county, referrals, "referrals", "county")


def _count_outcomes(by_county: ByCounty, by_brand: ByBrand, *, codes: list[str], since: dt.datetime) -> None:
    """Hires and certificates (also by brand), in the month their status last changed."""
    changed = Coalesce("status_changed_at", "updated_at")
    hires = _grouped(
        Application.objects.filter(worker__current_division_id__in=codes, status=Application.Status.HIRED)
        .alias(changed=changed)
        .filter(changed__gte=since),
        when=changed,
        county="worker__current_division_id",
    )
    _add(by_county, hires, "hires", "county")
    certified = _grouped(
        Enrolment.objects.filter(worker__current_division_id__in=codes, status=Enrolment.Status.CERTIFIED)
        .alias(changed=changed)
        .filter(changed__gte=since),
        when=changed,
        county="worker__current_division_id",
        brand="session__program__brand",
    )
    _add(by_county, certified, "certifications", "county")
    _add(by_brand, certified, "certifications", "county", "brand")


def _county_rows(
    by_county: ByCounty, *, months: list[dt.date], names: dict[str, str]
) -> list[dict[str, Any]]:
    """A row for every month and county (zeros included), with the approval rate."""
    rows: list[dict[str, Any]] = []
    for month in months:
        for code in names:
            values = {**dict.fromkeys(MEASURES, 0), **by_county.get((month, code), {})}
            rate = values["approved"] / values["reviewed"] if values["reviewed"] else None
            rows.append(
                {"month": month, "county": names[code], "county_code": code, **values, "approval_rate": rate}
            )
    return rows


def _brand_rows(by_brand: ByBrand, *, names: dict[str, str]) -> list[dict[str, Any]]:
    """The (month, county, brand) rows that have a figure, in that order."""
    brands = dict(Brand.choices)
    return [
        {"month": month, "county": names[code], "brand": str(brands.get(brand, brand)), **values}
        for (month, code, brand), values in sorted(by_brand.items())
        if code in names
    ]


def monthly_totals(rows: list[dict[str, Any]], months: list[dt.date]) -> list[dict[str, Any]]:
    """The county rows summed by month (for the charts): a few dozen rows, already aggregated."""
    totals = {month: dict.fromkeys(MEASURES, 0) for month in months}
    for row in rows:
        for measure in MEASURES:
            totals[row["month"]][measure] += row[measure]
    out = []
    for month, values in totals.items():
        rate = values["approved"] / values["reviewed"] if values["reviewed"] else None
        out.append({"month": month, **values, "approval_rate": rate})
    return out
