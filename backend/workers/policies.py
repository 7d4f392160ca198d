"""Who may see and change worker profiles (the role helpers are in accounts/policies.py).

- A worker manages their own profile; service staff manage the profiles of workers living in
  the counties their centre covers; an admin manages every profile.
- Registering: a worker registers themselves; service staff register workers living in their
  counties (at the service window, or by import); an admin registers anyone.
- The whole ID number and mobile are shown only to those who manage the profile.
- Lists: a worker sees their own profile, service staff those living in their counties, an
  admin all; everyone else none.
- Acting for a worker (an application, an enrolment) needs the right to manage their profile.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.policies import covered_county_codes, covers, role_of

from .models import WorkerProfile


def can_manage_worker(actor: Any, worker: WorkerProfile) -> bool:
    role = role_of(actor)
    if role == "admin":
        return True
    if role == "worker":
        return worker.user_id is not None and worker.user_id == actor.pk
    return role == "service_staff" and covers(actor, worker.current_division_id)


def can_register_worker(actor: Any, worker: WorkerProfile) -> bool:
    """Before the profile exists: a worker for themselves, staff for their counties, an admin."""
    role = role_of(actor)
    if role in ("admin", "worker"):
        return True
    return role == "service_staff" and covers(actor, worker.current_division_id)


def can_see_personal_data(actor: Any, worker: WorkerProfile) -> bool:
    """The whole ID number and mobile: only the worker and the staff who manage the profile."""
    return can_manage_worker(actor, worker)


def workers_visible_to(actor: Any, workers: QuerySet[WorkerProfile]) -> QuerySet[WorkerProfile]:
    role = role_of(actor)
    if role == "admin":
        return workers
    if role == "service_staff":
        return workers.filter(current_division_id__in=covered_county_codes(actor))
    if role == "worker":
        return workers.filter(user=actor)
    return workers.none()
