"""Demo data as a use case: is it there, write it, delete it, fingerprint it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import cast

from django.db import transaction
from django.db.models import ManyToManyField, Model, Q

from backend.accounts.models import ServiceCentre
from backend.jobs.models import Application, Employer, Posting
from backend.workers.models import WorkerCertificate, WorkerProfile, WorkerSkill
from training.models import Enrolment, Program, Provider, Session

from .catalogue import data
from .generator import DEFAULT_SEED, DEMO_PREFIX, DemoSeeder, DemoSizes
from .logins import demo_users

_DEMO = Q(external_id__startswith=DEMO_PREFIX)


def _demo_centre_names() -> list[str]:
    return [spec["name"] for spec in data("places")["service_centres"]]


def demo_exists() -> bool:
    """True when any demo row or demo login is in the database."""
    return (
        demo_users().exists()
        or Provider.objects.filter(_DEMO).exists()
        or Employer.objects.filter(_DEMO).exists()
        or WorkerProfile.objects.filter(_DEMO).exists()
        or ServiceCentre.objects.filter(name__in=_demo_centre_names()).exists()
    )


def demo_seed(
    *,
    seed: int = DEFAULT_SEED,
    sizes: DemoSizes | None = None,
    today: dt.date | None = None,
    log: Callable[[str], None] | None = None,
) -> DemoSeeder:
    """Write the demo data set; returns the seeder with its `counts` and `timings`."""
    seeder = DemoSeeder(seed=seed, sizes=sizes, today=today, log=log)
    seeder.run()
    return seeder


@transaction.atomic
def demo_delete() -> dict[str, int]:
    """Delete every demo row, children first and by primary key only, so Django's deletion
    collector never loads whole rows (it would hold 200,000 postings in memory at --scale 40)."""
    deleted: dict[str, int] = {}

    def drop(label: str, queryset) -> None:  # type: ignore[no-untyped-def]
        count, _ = queryset.delete()
        deleted[label] = deleted.get(label, 0) + count

    def through(model: type[Model], name: str):  # type: ignore[no-untyped-def]
        field = cast(ManyToManyField, model._meta.get_field(name))
        return cast(type[Model], field.remote_field.through)._default_manager

    demo_workers = WorkerProfile.objects.filter(_DEMO).only("pk")
    demo_postings = Posting.objects.filter(_DEMO).only("pk")
    demo_sessions = Session.objects.filter(_DEMO).only("pk")
    demo_programs = Program.objects.filter(_DEMO).only("pk")
    drop("demo logins", demo_users())
    drop(
        "applications", Application.objects.filter(Q(worker__in=demo_workers) | Q(posting__in=demo_postings))
    )
    drop("enrolments", Enrolment.objects.filter(Q(worker__in=demo_workers) | Q(session__in=demo_sessions)))
    drop("worker skills", WorkerSkill.objects.filter(worker__in=demo_workers))
    drop("worker certificates", WorkerCertificate.objects.filter(worker__in=demo_workers))
    drop(
        "worker preferred divisions",
        through(WorkerProfile, "preferred_divisions").filter(workerprofile__in=demo_workers),
    )
    drop(
        "worker desired occupations",
        through(WorkerProfile, "desired_occupations").filter(workerprofile__in=demo_workers),
    )
    drop("workers", demo_workers)
    drop("posting required skills", through(Posting, "required_skills").filter(posting__in=demo_postings))
    drop("posting preferred skills", through(Posting, "preferred_skills").filter(posting__in=demo_postings))
    drop("postings", demo_postings)
    drop("employers", Employer.objects.filter(_DEMO).only("pk"))
    drop("sessions", demo_sessions)
    drop("program skills", through(Program, "skills").filter(program__in=demo_programs))
    drop("programs", demo_programs)
    drop("providers", Provider.objects.filter(_DEMO).only("pk"))
    centres = ServiceCentre.objects.filter(name__in=_demo_centre_names()).only("pk")
    drop("service centres", through(ServiceCentre, "counties").filter(servicecentre__in=centres))
    drop("service centres", centres)
    return deleted


def _rows(queryset, fields: Iterable[str]) -> Iterable[tuple]:  # type: ignore[no-untyped-def]
    return queryset.order_by(*fields).values_list(*fields).iterator(chunk_size=5000)


def _digested_tables() -> list[tuple[str, type[Model], Q, str]]:
    """(label, model, rows, fields) of every demo table, fields space-separated."""
    worker = Q(worker__external_id__startswith=DEMO_PREFIX)
    users = demo_users()
    return [
        ("centres", ServiceCentre, Q(name__in=_demo_centre_names()), "name counties__code"),
        (
            "logins",
            users.model,
            Q(pk__in=users),
            "username role provider__external_id employer__external_id service_centre__name"
            " worker_profile__external_id",
        ),
        ("providers", Provider, _DEMO, "external_id name kind county_id verified contact_phone address"),
        (
            "programs",
            Program,
            _DEMO,
            "external_id provider__external_id title brand occupation__slug certificate_type__slug"
            " certificate_level delivery online_url venue_division_id venue_address latitude longitude"
            " hours fee is_free is_subsidised eligibility description status published_at",
        ),
        ("program skills", Program, _DEMO, "external_id skills__slug"),
        (
            "sessions",
            Session,
            _DEMO,
            "external_id program__external_id start_date end_date enrol_deadline seats enrolled_count status",
        ),
        (
            "employers",
            Employer,
            _DEMO,
            "external_id name credit_code county_id industry is_stable_employment_base contact_phone address",
        ),
        (
            "postings",
            Posting,
            _DEMO,
            "external_id employer__external_id title occupation__slug required_certificate__slug"
            " required_certificate_level headcount wage_type wage_min wage_max rate rate_unit"
            " provides_lodging provides_meals social_insurance couple_rooms shifts division_id address"
            " latitude longitude campaign description status published_at expires_on",
        ),
        ("posting required skills", Posting, _DEMO, "external_id required_skills__slug"),
        ("posting preferred skills", Posting, _DEMO, "external_id preferred_skills__slug"),
        (
            "workers",
            WorkerProfile,
            _DEMO,
            "external_id user__username name mobile id_number_hash id_number_masked gender ethnicity"
            " birth_year hukou_division_id current_division_id wants_work_near_home max_commute_km"
            " willing_to_relocate education wage_floor needs_lodging needs_meals needs_couple_room"
            " wants_to_start_business available_from languages registration_status"
            " consent_data_processing consent_share_with_employers consent_contact registered_by__username",
        ),
        ("worker preferred", WorkerProfile, _DEMO, "external_id preferred_divisions__code"),
        ("worker desired", WorkerProfile, _DEMO, "external_id desired_occupations__slug"),
        ("worker skills", WorkerSkill, worker, "worker__external_id skill__slug years level"),
        (
            "worker certificates",
            WorkerCertificate,
            worker,
            "worker__external_id certificate_type__slug level obtained_on",
        ),
        (
            "enrolments",
            Enrolment,
            worker,
            "worker__external_id session__external_id status source created_by__username status_changed_at",
        ),
        (
            "applications",
            Application,
            worker,
            "worker__external_id posting__external_id status source referred_by__username note"
            " status_changed_at",
        ),
    ]


def demo_digest() -> str:
    """SHA-256 over the demo rows' key fields in a stable order (no primary keys, no
    created_at, no ciphertext: those differ between databases and runs by design)."""
    h = hashlib.sha256()
    for label, model, rows, fields in _digested_tables():
        h.update(f"\n#{label}\n".encode())
        for row in _rows(model._default_manager.filter(rows), fields.split()):
            h.update(repr(row).encode())
    return h.hexdigest()
