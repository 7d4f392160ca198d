"""Reads for imports: a user sees their own import jobs; an admin sees every job."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from backend.common.errors import NotFound

from .models import ImportJob
from .policies import import_jobs_visible_to


def import_job_list(*, actor: Any) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
    return import_jobs_visible_to(actor, qs)


def import_job_get(*, actor: Any, job_id: int) -> ImportJob:
    job = import_job_list(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("未找到该导入任务。"), code="not_found")
    return job
