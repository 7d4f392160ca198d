"""Reads of the public pages beyond the domain selectors; each one scoped by the same policies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from backend.accounts.policies import role_of
from backend.jobs.models import Application, Posting
from backend.jobs.selectors import posting_list
from backend.regions.models import Division
from backend.workers.models import WorkerProfile
from training.models import Enrolment, Program, Session
from training.selectors import program_list, session_list


def worker_profile_of(*, user: Any) -> WorkerProfile | None:
    """The logged-in worker's own profile (None for other roles or a worker without one)."""
    if role_of(user) != "worker":
        return None
    return WorkerProfile.objects.select_related("current_division").filter(user=user).first()


def worker_home_county(*, user: Any) -> Division | None:
    """Where "near me" starts: the worker's current county, when it has coordinates."""
    profile = worker_profile_of(user=user)
    county = profile.current_division if profile else None
    return county if county is not None and county.latitude is not None else None


def division_name(*, code: str | None) -> str:
    if not code:
        return ""
    return Division.objects.filter(code=code).values_list("name", flat=True).first() or code


def posting_for_page(*, user: Any, posting_id: int) -> Posting:
    """A posting the user may see (published, or their own/covered drafts); 404 otherwise."""
    return get_object_or_404(posting_list(user=user), pk=posting_id)


def program_for_page(*, user: Any, program_id: int) -> Program:
    return get_object_or_404(program_list(user=user), pk=program_id)


def open_sessions(*, user: Any, program: Program) -> QuerySet[Session]:
    """The program's sessions still taking enrolments, soonest first."""
    return session_list(user=user).filter(
        program=program, status=Session.Status.OPEN, start_date__gte=timezone.localdate()
    )


def application_of(*, worker: WorkerProfile | None, posting: Posting) -> Application | None:
    if worker is None:
        return None
    return Application.objects.filter(worker=worker, posting=posting).first()


def enrolments_of(*, worker: WorkerProfile | None, program: Program) -> dict[int, Enrolment]:
    """The worker's enrolments in this program's sessions, by session id."""
    if worker is None:
        return {}
    enrolments = Enrolment.objects.filter(worker=worker, session__program=program)
    return {e.session_id: e for e in enrolments}
