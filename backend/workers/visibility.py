"""How much of a worker's contact a viewer sees, by the viewer's relation to the worker: one rule
for every serializer and page that shows a worker's mobile or ID number.

Whole: the worker, staff whose centre covers the worker's county, an admin (those who manage the
profile), and the employer of an application when the worker agreed to be referred to employers.
Everyone else (staff of another county, a provider, the security officers, any future role)
sees the masked values. The whole ID number is further limited to a single profile (never a
list) and audited on reveal: workers/api.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backend.accounts.policies import role_of

from .models import WorkerProfile
from .policies import can_see_personal_data

if TYPE_CHECKING:
    from backend.jobs.models import Application


@dataclass(frozen=True)
class WorkerContact:
    mobile: str  # whole or masked, as the viewer may see it
    id_number_masked: str
    whole: bool


def sees_whole_contact(viewer: Any, worker: WorkerProfile, *, application: Application | None = None) -> bool:
    """`application`: the one the viewer sees the worker through, if any."""
    if can_see_personal_data(viewer, worker):
        return True
    if application is None or application.worker_id != worker.pk:
        return False
    employer_of_it = (
        role_of(viewer) == "employer_staff" and viewer.employer_id == application.posting.employer_id
    )
    return employer_of_it and worker.consent_share_with_employers


def worker_contact_for(
    viewer: Any, worker: WorkerProfile, *, application: Application | None = None
) -> WorkerContact:
    whole = sees_whole_contact(viewer, worker, application=application)
    return WorkerContact(
        mobile=worker.mobile if whole else worker.mobile_masked,
        id_number_masked=worker.id_number_masked,
        whole=whole,
    )
