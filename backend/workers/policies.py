"""Who may see and change worker profiles (the role helpers are in accounts/policies.py).

- A worker manages their own profile; service staff manage the profiles of workers living in
  the counties their centre covers; an admin manages every profile.
- Registering: a worker registers themselves; service staff register workers living in their
  counties (at the service window, or by import); an admin registers anyone.
- The whole ID number and mobile are shown only to those who manage the profile (and the mobile
  to the employer of an application the worker agreed to share: backend/workers/visibility.py).
- Lists: a worker sees their own profile, service staff those living in their counties, an
  admin all; everyone else none.
- Acting for a worker (an application, an enrolment) needs the right to manage their profile.
- Personal data (PIPL): only the worker downloads their own data; a deletion request is made by
  the worker or, for a request made in person, by staff covering their county; it is decided
  (confirmed or refused) by that staff or an admin, never by the worker. Providers and employers
  see no deletion requests.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.policies import covered_county_codes, covers, role_of

from .models import DeletionRequest, WorkerProfile


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


def can_export_worker_data(actor: Any, worker: WorkerProfile) -> bool:
    """A copy of everything (PIPL Art. 45) goes to the data subject only."""
    return role_of(actor) == "worker" and worker.user_id is not None and worker.user_id == actor.pk


def can_request_deletion(actor: Any, worker: WorkerProfile) -> bool:
    return can_manage_worker(actor, worker)


def can_decide_deletion(actor: Any, worker: WorkerProfile) -> bool:
    role = role_of(actor)
    return role == "admin" or (role == "service_staff" and covers(actor, worker.current_division_id))


def deletion_requests_visible_to(
    actor: Any, requests: QuerySet[DeletionRequest]
) -> QuerySet[DeletionRequest]:
    role = role_of(actor)
    if role == "admin":
        return requests
    if role == "service_staff":
        return requests.filter(worker__current_division_id__in=covered_county_codes(actor))
    if role == "worker":
        return requests.filter(worker__user=actor)
    return requests.none()
