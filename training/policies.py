"""Who may see and change training providers, programs, sessions and enrolments
(role helpers: backend/accounts/policies.py).

- Providers: only an admin registers them (in the admin site, by import or the API); provider
  staff manage their own provider, an admin every provider. Provider staff change only its name
  and contact details: its kind, county, 认定 (verified) and import key are set by an admin
  (audited, as every provider change is).
- Programs and sessions (开班): provider staff and admins create programs; provider staff manage
  their own provider's programs and sessions, an admin all. Only an admin moves a program to
  another provider; nobody moves a session to another provider's program.
- Enrolments: those who manage the provider accept, complete and certify; the worker (or staff
  who manage the worker's profile) may only drop out.
- Lists: providers with a published program are public, provider staff also see their own, an
  admin all. Published programs (and their sessions) are public; provider staff also see their own
  provider's, service staff those held in their counties, an admin all. Enrolments: the worker's
  own, the provider's sessions', and for service staff those of workers living in their counties.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.accounts.policies import covered_county_codes, is_admin, role_of
from backend.workers.policies import can_manage_worker

from .models import Enrolment, Program, Provider, Session


def can_register_providers(actor: Any) -> bool:
    return is_admin(actor)


def can_manage_provider(actor: Any, provider: Provider | None) -> bool:
    return _manages_provider(actor, provider.pk if provider is not None else None)


# A provider's 认定 record: only an admin sets these.
PROVIDER_RECORD_FIELDS = ("external_id", "kind", "county", "verified")


def provider_fields_reserved(actor: Any) -> tuple[str, ...]:
    """The provider fields the actor may not change (which providers they manage at all:
    `can_manage_provider`)."""
    return () if is_admin(actor) else PROVIDER_RECORD_FIELDS


def can_manage_program(actor: Any, program: Program) -> bool:
    return _manages_provider(actor, program.provider_id)


def can_manage_session(actor: Any, session: Session) -> bool:
    return _manages_provider(actor, session.program.provider_id)


def _manages_provider(actor: Any, provider_id: int | None) -> bool:
    if is_admin(actor):
        return True
    return provider_id is not None and role_of(actor) == "provider_staff" and actor.provider_id == provider_id


def can_create_programs(actor: Any) -> bool:
    """The role may publish programs at all (for which provider: `can_manage_provider`)."""
    return role_of(actor) in ("provider_staff", "admin")


def can_move_program_to_provider(actor: Any, program: Program, provider: Provider | None) -> bool:
    return (provider is not None and provider.pk == program.provider_id) or is_admin(actor)


def can_move_session_to_program(actor: Any, session: Session, program: Program) -> bool:
    """Not even an admin: the enrolments of a session stay with its provider."""
    return program.provider_id == session.program.provider_id


def can_set_enrolment_status(actor: Any, enrolment: Enrolment, status: str) -> bool:
    if can_manage_session(actor, enrolment.session):
        return True
    return status == Enrolment.Status.DROPPED and can_manage_worker(actor, enrolment.worker)


def program_visibility(actor: Any, prefix: str = "") -> Q:
    """The programs the actor may see, as a filter on Program (or, with `prefix`, on a relation)."""
    published = Q(**{f"{prefix}status": Program.Status.PUBLISHED})
    role = role_of(actor)
    if role == "admin":
        return Q()
    if role == "provider_staff":
        return published | Q(**{f"{prefix}provider_id": actor.provider_id})
    if role == "service_staff":
        return published | Q(**{f"{prefix}venue_division_id__in": covered_county_codes(actor)})
    return published


def providers_visible_to(actor: Any, providers: QuerySet[Provider]) -> QuerySet[Provider]:
    role = role_of(actor)
    if role == "admin":
        return providers
    public = Q(pk__in=Program.objects.filter(status=Program.Status.PUBLISHED).values("provider_id"))
    if role == "provider_staff":
        return providers.filter(public | Q(pk=actor.provider_id))
    return providers.filter(public)


def enrolments_visible_to(actor: Any, enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    role = role_of(actor)
    if role == "admin":
        return enrolments
    if role == "worker":
        return enrolments.filter(worker__user=actor)
    if role == "provider_staff":
        return enrolments.filter(session__program__provider_id=actor.provider_id)
    if role == "service_staff":
        return enrolments.filter(worker__current_division_id__in=covered_county_codes(actor))
    return enrolments.none()
