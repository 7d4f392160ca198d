"""Reads of a training provider's pages, scoped by the domain selectors and policies."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from training.models import Enrolment, Program, Session
from training.selectors import enrolment_list, program_list, session_list


def own_programs(*, user: Any) -> QuerySet[Program]:
    """The provider's own programs (drafts included), newest first, with their session counts."""
    return (
        program_list(user=user)
        .filter(provider_id=user.provider_id)
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("-updated_at", "-id")
    )


def own_program(*, user: Any, program_id: int) -> Program:
    """One of the provider's own programs; another provider's (even published) is a 404 here."""
    return get_object_or_404(program_list(user=user).filter(provider_id=user.provider_id), pk=program_id)


def program_sessions(*, user: Any, program: Program) -> QuerySet[Session]:
    return session_list(user=user).filter(program=program)


def own_session(*, user: Any, program: Program, session_id: int) -> Session:
    return get_object_or_404(program_sessions(user=user, program=program), pk=session_id)


def session_enrolments(*, user: Any, session: Session) -> QuerySet[Enrolment]:
    return enrolment_list(user=user).filter(session=session).order_by("created_at", "id")


def session_enrolment(*, user: Any, session: Session, enrolment_id: int) -> Enrolment:
    return get_object_or_404(session_enrolments(user=user, session=session), pk=enrolment_id)
