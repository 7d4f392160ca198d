"""Reads for worker profiles: a worker sees their own; service staff those living in their counties."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.common import crypto
from backend.common.validators import normalise_id_number, normalise_mobile

from .models import DeletionRequest, WorkerProfile
from .policies import deletion_requests_visible_to, workers_visible_to


def worker_list(*, user: Any) -> QuerySet[WorkerProfile]:
    qs = WorkerProfile.objects.select_related("current_division", "hukou_division").prefetch_related(
        "skills__skill", "certificates__certificate_type", "preferred_divisions", "desired_occupations"
    )
    return workers_visible_to(user, qs).order_by("-id")


def deletion_request_list(*, user: Any, status: str | None = None) -> QuerySet[DeletionRequest]:
    """Deletion requests the user may see: their own (a worker), their counties' (staff), all (admin)."""
    qs = DeletionRequest.objects.select_related("worker__current_division", "requested_by", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return deletion_requests_visible_to(user, qs).order_by("created_at", "pk")


def latest_deletion_request(*, worker: WorkerProfile) -> DeletionRequest | None:
    return worker.deletion_requests.order_by("-created_at", "-pk").first()


def worker_by_identity(*, user: Any, text: str) -> WorkerProfile | None:
    """A worker the user may manage, by whole ID number or mobile (staff at the window)."""
    text = (text or "").strip()
    if not text:
        return None
    visible = workers_visible_to(user, WorkerProfile.objects.filter(anonymised_at__isnull=True))
    number = normalise_id_number(text)
    if len(number) == 18:
        found = visible.filter(id_number_hash=crypto.blind_index(number)).first()
        if found is not None:
            return found
    mobile = normalise_mobile(text)
    matches = list(visible.filter(mobile=mobile)[:2]) if mobile else []
    return matches[0] if len(matches) == 1 else None  # a shared phone: ask for the ID number
