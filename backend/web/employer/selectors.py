"""Reads of the postings pages, scoped by the domain selectors and policies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from backend.jobs.models import Employer, Posting
from backend.jobs.policies import employers_postable_by, postings_managed_by
from backend.jobs.selectors import employer_list, posting_list


def managed_postings(*, user: Any) -> QuerySet[Posting]:
    """An employer's own postings; service staff: the postings located in their counties."""
    return postings_managed_by(user, posting_list(user=user)).order_by("-updated_at", "-id")


def managed_posting(*, user: Any, posting_id: int) -> Posting:
    return get_object_or_404(managed_postings(user=user), pk=posting_id)


def managed_employers(*, user: Any) -> QuerySet[Employer]:
    """Employers service staff may post for: those located in their counties."""
    return employers_postable_by(user, employer_list(user=user))


def campaign_names() -> list[str]:
    """Campaign tags already in use, for the campaign field's suggestions."""
    used = Posting.objects.exclude(campaign="").values_list("campaign", flat=True).distinct()
    return sorted(set(used))[:50]
