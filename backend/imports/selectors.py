"""Reads for imports: a user sees their own import jobs; an admin sees every job."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.policies import is_admin, role_of
from backend.common.errors import NotFound

from .models import ImportJob


def import_job_list(*, actor: Any) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
    if is_admin(actor):
        return qs
    if role_of(actor) == "anonymous":
        return qs.none()
    return qs.filter(created_by=actor)


def import_job_get(*, actor: Any, job_id: int) -> ImportJob:
    job = import_job_list(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound("未找到该导入任务。", code="not_found")
    return job
