"""Who may import what, and who sees which import job (role helpers: accounts/policies.py).

- A kind is imported by the roles that may create its rows through the services:
  providers by an admin; employers by admins and service staff; programs and sessions by admins
  and provider staff; postings by admins, employer staff and service staff; workers by admins and
  service staff (a worker registers only themselves, never a file of others). The management
  command without --as acts as an admin.
- Which rows: the domain policies of each kind (jobs/, training/, workers/ policies), row by row.
- Import jobs: a user sees the jobs they started; an admin sees every job; anonymous users none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.policies import is_admin, role_of

from .models import ImportJob

KIND_ROLES: dict[str, frozenset[str]] = {
    "providers": frozenset({"admin"}),
    "employers": frozenset({"admin", "service_staff"}),
    "programs": frozenset({"admin", "provider_staff"}),
    "sessions": frozenset({"admin", "provider_staff"}),
    "postings": frozenset({"admin", "employer_staff", "service_staff"}),
    "workers": frozenset({"admin", "service_staff"}),
}


def can_import_kind(actor: Any, kind: str) -> bool:
    return role_of(actor) in KIND_ROLES[kind]


def importable_kinds(actor: Any) -> list[str]:
    """The kinds the actor may import, in the order of KIND_ROLES."""
    return [kind for kind in KIND_ROLES if can_import_kind(actor, kind)]


def import_jobs_visible_to(actor: Any, jobs: QuerySet[ImportJob]) -> QuerySet[ImportJob]:
    if is_admin(actor):
        return jobs
    if role_of(actor) == "anonymous":
        return jobs.none()
    return jobs.filter(created_by=actor)
