"""Reads of the postings pages, scoped by the domain selectors and policies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from backend.accounts.policies import covered_county_codes, role_of
from backend.jobs.models import Employer, Posting
from backend.jobs.selectors import employer_list, posting_list


def managed_postings(*, user: Any) -> QuerySet[Posting]:
    """An employer's own postings; service staff: the postings located in their counties."""
    qs = posting_list(user=user)
    if role_of(user) == "employer_staff":
        qs = qs.filter(employer_id=user.employer_id)
    else:
        qs = qs.filter(division_id__in=covered_county_codes(user))
    return qs.order_by("-updated_at", "-id")


def managed_posting(*, user: Any, posting_id: int) -> Posting:
    return get_object_or_404(managed_postings(user=user), pk=posting_id)


def managed_employers(*, user: Any) -> QuerySet[Employer]:
    """Employers service staff may post for: those located in their counties."""
    return employer_list(user=user).filter(county_id__in=covered_county_codes(user))


def campaign_names() -> list[str]:
    """Campaign tags already in use, for the campaign field's suggestions."""
    used = Posting.objects.exclude(campaign="").values_list("campaign", flat=True).distinct()
    return sorted(set(used))[:50]
