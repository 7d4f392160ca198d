"""Reads of the worker's pages: division choices, taxonomy look-ups, the profile as wizard input,
and my applications and enrolments."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from backend.jobs.models import Application, Posting
from backend.occupations.selectors import certificate_type_search, occupation_search, skill_search
from backend.regions.models import Division
from backend.regions.selectors import division_list
from backend.workers.models import WorkerProfile
from training.models import Enrolment, Program, Session

__all__ = ["certificate_type_search", "occupation_search", "skill_search"]

GUANGDONG = "440000"


def division_choices(*, parent: str | None) -> list[tuple[str, str]]:
    """(code, name) of the provinces (no parent) or of one division's children."""
    if parent is None:
        qs = division_list(level=Division.Level.PROVINCE)
    elif parent.isdigit() and len(parent) == 6:
        qs = division_list(parent=parent)
    else:
        return []
    return list(qs.values_list("code", "name"))


def preferred_city_choices(chosen: list[str] | None = None) -> list[tuple[str, str]]:
    """Guangdong's cities: where the platform's jobs are; a short list of checkboxes on a phone.
    Places already chosen at another level (a county, a city elsewhere: from the window or an
    import) are listed too, under their full name, so the worker sees them and can untick them."""
    cities = division_choices(parent=GUANGDONG)
    listed = {code for code, _ in cities}
    others = [c for c in dict.fromkeys(chosen or ()) if c not in listed and c.isdigit() and len(c) == 6]
    if not others:
        return cities
    rows = Division.objects.filter(code__in=others).select_related("parent").order_by("code")
    return cities + [(d.code, f"{d.parent.name}{d.name}" if d.parent else d.name) for d in rows]


def taxonomy_match(search: Any, text: str) -> tuple[Any, list[str]]:
    """(the entry meant by `text`, or None with up to 5 suggested names).

    An entry is meant when its name or a whole synonym/pinyin term equals the text (rank 0/1 of the
    search), or when it is the only match.
    """
    found = list(search(q=text, limit=5))
    if found and (found[0].search_rank <= 1 or len(found) == 1):
        return found[0], []
    return None, [entry.name for entry in found]


def _picker(prefix: str, division: Division | None) -> dict[str, str]:
    """A division as the three selects of the wizard's picker."""
    if division is None:
        return {}
    chain = [division]
    while chain[-1].parent_id:
        chain.append(chain[-1].parent)  # type: ignore[arg-type]
    chain.reverse()
    return {
        f"{prefix}_{level}": d.code for level, d in zip(("province", "city", "county"), chain, strict=False)
    }


def profile_as_steps(worker: WorkerProfile) -> dict[str, dict[str, Any]]:
    """A saved profile as the wizard's raw input by step, to edit it. The ID number stays out: it is
    never shown whole again (the page shows the masked copy)."""
    skills = list(worker.skills.select_related("skill"))
    certificates = list(worker.certificates.select_related("certificate_type"))
    occupations = list(worker.desired_occupations.all())
    step2: dict[str, Any] = {
        **_picker("current", worker.current_division),
        **_picker("hukou", worker.hukou_division),
        "preferred_divisions": list(worker.preferred_divisions.values_list("code", flat=True)),
        "max_commute_km": "" if worker.max_commute_km is None else str(worker.max_commute_km),
    }
    step3: dict[str, Any] = {}
    for i, held in enumerate(skills):
        step3 |= {f"skill_{i}": held.skill.name, f"years_{i}": str(held.years)}
    for i, cert in enumerate(certificates):
        step3 |= {f"cert_{i}": cert.certificate_type.name, f"cert_level_{i}": str(cert.level or "")}
    step4: dict[str, Any] = {f"occupation_{i}": o.name for i, o in enumerate(occupations)}
    step4 |= {
        "wage_floor": "" if worker.wage_floor is None else str(worker.wage_floor),
        "available_from": worker.available_from.isoformat() if worker.available_from else "",
    }
    flags = {
        2: ("wants_work_near_home", "willing_to_relocate"),
        4: ("needs_lodging", "needs_meals", "needs_couple_room", "wants_to_start_business",
            "consent_data_processing", "consent_share_with_employers", "consent_contact"),
    }  # fmt: skip
    steps = {"1": {"name": worker.name, "mobile": worker.mobile, "gender": worker.gender}, "2": step2,
             "3": step3, "4": step4}  # fmt: skip
    for step, names in flags.items():
        steps[str(step)] |= {name: "on" for name in names if getattr(worker, name)}
    return steps


def own_profile(*, user: Any) -> WorkerProfile | None:
    return WorkerProfile.objects.filter(user=user).select_related("current_division").first()


def my_applications(*, worker: WorkerProfile) -> QuerySet[Application]:
    return (
        Application.objects.filter(worker=worker)
        .select_related("posting__employer", "posting__division")
        .order_by("-created_at", "-id")
    )


def my_enrolments(*, worker: WorkerProfile) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(worker=worker)
        .select_related("session__program__provider")
        .order_by("-created_at", "-id")
    )


def my_application(*, worker: WorkerProfile, application_id: int) -> Application:
    return get_object_or_404(my_applications(worker=worker), pk=application_id)


def my_enrolment(*, worker: WorkerProfile, enrolment_id: int) -> Enrolment:
    return get_object_or_404(my_enrolments(worker=worker), pk=enrolment_id)


NOT_PERSONALISED = 10


def county_latest_postings(*, county: str, limit: int = NOT_PERSONALISED) -> list[dict[str, Any]]:
    """The county's newest open postings: the same list for everyone there (not personalised)."""
    rows = (
        Posting.objects.filter(status=Posting.Status.PUBLISHED, division_id=county)
        .order_by("-published_at", "-id")
        .values("id", "title", "employer__name", "division__name", "published_at", "wage_type", "wage_min",
                "wage_max", "rate", "rate_unit")[:limit]
    )  # fmt: skip
    return [dict(row) for row in rows]


def county_open_sessions(*, county: str, limit: int = NOT_PERSONALISED) -> QuerySet[Session]:
    """The county's training sessions open for enrolment, soonest first (not personalised)."""
    return (
        Session.objects.filter(
            status=Session.Status.OPEN,
            program__status=Program.Status.PUBLISHED,
            program__venue_division_id=county,
            start_date__gte=timezone.localdate(),
        )
        .select_related("program__provider")
        .order_by("start_date", "id")[:limit]
    )
