"""Who may see and change employers, postings and applications (role helpers: accounts/policies.py).

- Employers: an admin registers and manages any; service staff register and manage those located
  in the counties their centre covers; employer staff manage their own employer (but register none).
  Employer staff change only their own employer's name, industry and contact details: the
  稳岗就业基地 badge, the county, the 统一社会信用代码 (checked by the staff who registered it)
  and the import key are the county's record, set by its staff or an admin (audited, as every
  employer change is).
- Postings: employer staff, service staff and admins create postings; employer staff manage their
  own employer's postings, service staff those located in their counties (招聘会, 南粤春暖), an
  admin all. Only an admin moves a posting to another employer.
- Applications: the worker (or staff who manage the worker's profile) may withdraw one; those who
  manage the posting move it along (viewed, interview, hired, rejected) and keep its note.
  How much of an applicant's contact each viewer sees: backend/workers/visibility.py.
- Lists: published postings, and the employers behind them, are public; employer staff also see
  their own employer and its postings, service staff those of their counties, an admin all.
  Applications: the worker's own, the employer's postings', and for service staff those of
  workers or postings in their counties.
- Management pages (/manage/postings/): employer staff list their own employer's postings, service
  staff those located in their counties, and post for the employers located there.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.accounts.policies import covered_county_codes, covers, is_admin, role_of
from backend.workers.policies import can_manage_worker

from .models import Application, Employer, Posting

# The statuses those who manage a posting may set on an application to it.
EMPLOYER_APPLICATION_STATUSES = frozenset({
    Application.Status.VIEWED, Application.Status.INTERVIEW, Application.Status.HIRED, Application.Status.REJECTED,
})  # fmt: skip


def can_register_employer(actor: Any, employer: Employer) -> bool:
    return is_admin(actor) or (role_of(actor) == "service_staff" and covers(actor, employer.county_id))


def can_manage_employer(actor: Any, employer: Employer) -> bool:
    role = role_of(actor)
    if role == "admin":
        return True
    if role == "employer_staff":
        return actor.employer_id == employer.pk
    return role == "service_staff" and covers(actor, employer.county_id)


# The county's record of an employer: only its staff or an admin set these.
EMPLOYER_RECORD_FIELDS = ("external_id", "credit_code", "county", "is_stable_employment_base")


def employer_fields_reserved(actor: Any) -> tuple[str, ...]:
    """The employer fields the actor may not change (which employers they manage at all:
    `can_manage_employer`)."""
    return () if role_of(actor) in ("admin", "service_staff") else EMPLOYER_RECORD_FIELDS


def can_create_postings(actor: Any) -> bool:
    """The role may publish postings at all (which ones: `can_manage_posting`)."""
    return role_of(actor) in ("employer_staff", "service_staff", "admin")


def can_manage_posting(actor: Any, posting: Posting) -> bool:
    role = role_of(actor)
    if role == "admin":
        return True
    if role == "employer_staff":
        return actor.employer_id == posting.employer_id
    return role == "service_staff" and covers(actor, posting.division_id)


def can_move_posting_to_employer(actor: Any, posting: Posting, employer: Employer | None) -> bool:
    return (employer is not None and employer.pk == posting.employer_id) or is_admin(actor)


def can_set_application_status(actor: Any, application: Application, status: str) -> bool:
    if status == Application.Status.WITHDRAWN:
        return can_manage_worker(actor, application.worker)
    allowed = status in EMPLOYER_APPLICATION_STATUSES or status == application.status
    return allowed and can_manage_posting(actor, application.posting)


def employers_visible_to(actor: Any, employers: QuerySet[Employer]) -> QuerySet[Employer]:
    role = role_of(actor)
    if role == "admin":
        return employers
    public = Q(pk__in=Posting.objects.filter(status=Posting.Status.PUBLISHED).values("employer_id"))
    if role == "employer_staff":
        return employers.filter(public | Q(pk=actor.employer_id))
    if role == "service_staff":
        return employers.filter(public | Q(county_id__in=covered_county_codes(actor)))
    return employers.filter(public)


def postings_visible_to(actor: Any, postings: QuerySet[Posting]) -> QuerySet[Posting]:
    role = role_of(actor)
    published = Q(status=Posting.Status.PUBLISHED)
    if role == "admin":
        return postings
    if role == "employer_staff":
        return postings.filter(published | Q(employer_id=actor.employer_id))
    if role == "service_staff":
        return postings.filter(published | Q(division_id__in=covered_county_codes(actor)))
    return postings.filter(published)


def applications_visible_to(actor: Any, applications: QuerySet[Application]) -> QuerySet[Application]:
    role = role_of(actor)
    if role == "admin":
        return applications
    if role == "worker":
        return applications.filter(worker__user=actor)
    if role == "employer_staff":
        return applications.filter(posting__employer_id=actor.employer_id)
    if role == "service_staff":
        codes = covered_county_codes(actor)
        return applications.filter(
            Q(worker__current_division_id__in=codes) | Q(posting__division_id__in=codes)
        )
    return applications.none()


def postings_managed_by(actor: Any, postings: QuerySet[Posting]) -> QuerySet[Posting]:
    """The postings on the actor's management list (narrower than what they may see)."""
    if role_of(actor) == "employer_staff":
        return postings.filter(employer_id=actor.employer_id)
    return postings.filter(division_id__in=covered_county_codes(actor))


def employers_postable_by(actor: Any, employers: QuerySet[Employer]) -> QuerySet[Employer]:
    """The employers service staff may publish postings for: those located in their counties."""
    return employers.filter(county_id__in=covered_county_codes(actor))
