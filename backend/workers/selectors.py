"""Reads for worker profiles: a worker sees their own; service staff those living in their counties."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import WorkerProfile
from .policies import workers_visible_to


def worker_list(*, user: Any) -> QuerySet[WorkerProfile]:
    qs = WorkerProfile.objects.select_related("current_division", "hukou_division").prefetch_related(
        "skills__skill", "certificates__certificate_type", "preferred_divisions", "desired_occupations"
    )
    return workers_visible_to(user, qs).order_by("-id")
