"""Reads for matching: suggestions, runs, model versions and the items they point at.

Who sees what is `matching.policies`: the selectors apply its filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.common.errors import NotFound
from backend.jobs.models import Posting
from backend.regions.models import Division
from backend.workers.models import WorkerProfile
from backend.workers.selectors import worker_list
from training.models import Session

from .models import MatchingRun, ModelVersion, Suggestion
from .policies import can_see_model_versions, visible_runs, visible_suggestions

# --- suggestions -----------------------------------------------------------------------------


def _division_prefix(code: str) -> str | None:
    division = Division.objects.filter(code=code).only("code", "level").first()
    return division.code_prefix if division is not None else None


def suggestion_list(
    *,
    user: Any,
    county: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    run: int | None = None,
    worker: int | None = None,
) -> QuerySet[Suggestion]:
    qs = Suggestion.objects.select_related(
        "worker",
        "posting__employer",
        "posting__division",
        "session__program__provider",
        "session__program__venue_division",
        "model_version",
        "reviewed_by",
    )
    scope = visible_suggestions(user)
    if scope is None:
        return qs.none()
    qs = qs.filter(scope)
    if county:
        prefix = _division_prefix(county)
        if prefix is None:
            return qs.none()
        qs = qs.filter(worker__current_division__code__startswith=prefix)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if min_score is not None:
        qs = qs.filter(score__gte=min_score)
    if max_score is not None:
        qs = qs.filter(score__lte=max_score)
    if run is not None:
        qs = qs.filter(run_id=run)
    if worker is not None:
        qs = qs.filter(worker_id=worker)
    return qs.order_by("-score", "id")


def my_suggestions(*, user: Any) -> QuerySet[Suggestion]:
    """A worker's approved suggestions, newest decision first."""
    if role_of(user) != "worker":
        return Suggestion.objects.none()
    return suggestion_list(user=user).order_by("-reviewed_at", "-id")


# --- items shown beside a recommendation -------------------------------------------------------


def posting_summary(posting: Posting) -> dict[str, Any]:
    division = posting.division
    return {
        "id": posting.pk,
        "title": posting.title,
        "employer": posting.employer.name,
        "division": {"id": division.code, "name": division.name},
        "wage_type": posting.wage_type,
        "wage_min": posting.wage_min,
        "wage_max": posting.wage_max,
        "rate": str(posting.rate) if posting.rate is not None else None,
        "rate_unit": posting.rate_unit,
        "provides_lodging": posting.provides_lodging,
        "provides_meals": posting.provides_meals,
        "status": posting.status,
        "expires_on": posting.expires_on.isoformat() if posting.expires_on else None,
    }


def session_summary(session: Session) -> dict[str, Any]:
    program = session.program
    venue = program.venue_division
    return {
        "id": session.pk,
        "program_id": program.pk,
        "title": program.title,
        "brand": program.brand,
        "brand_label": program.get_brand_display(),
        "provider": program.provider.name,
        "delivery": program.delivery,
        "division": {"id": venue.code, "name": venue.name},
        "is_free": program.is_free,
        "is_subsidised": program.is_subsidised,
        "fee": str(program.fee),
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "seats_left": session.seats_left,
        "status": session.status,
    }


def item_summaries(*, kind: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What a person needs to recognise each recommended item; one query whatever the number."""
    if not ids:
        return {}
    if kind == "job":
        postings = Posting.objects.filter(pk__in=ids).select_related("employer", "division")
        return {p.pk: posting_summary(p) for p in postings}
    sessions = Session.objects.filter(pk__in=ids).select_related(
        "program__provider", "program__venue_division"
    )
    return {s.pk: session_summary(s) for s in sessions}


def worker_for_matching(*, user: Any, worker_id: int) -> WorkerProfile:
    """A worker the user may see (404 otherwise), without the profile page's prefetches."""
    worker = worker_list(user=user).prefetch_related(None).filter(pk=worker_id).first()
    if worker is None:
        raise NotFound(_("未找到该劳动者。"))
    return worker


# --- runs and model versions -------------------------------------------------------------------


def run_list(*, user: Any) -> QuerySet[MatchingRun]:
    """An admin sees every run; service staff the runs started by anyone of their centre."""
    qs = MatchingRun.objects.select_related("started_by", "model_version").order_by("-created_at", "-id")
    scope = visible_runs(user)
    return qs.none() if scope is None else qs.filter(scope)


def model_version_list(*, user: Any) -> QuerySet[ModelVersion]:
    if not can_see_model_versions(user):
        return ModelVersion.objects.none()
    return ModelVersion.objects.order_by("-is_active", "-created_at", "-id")


# --- what a worker's list is drawn from ----------------------------------------------------------


def reach_of(worker: WorkerProfile) -> dict[str, Any]:
    """How far the worker's items may lie, in the engine's terms (matching.core.workers): from
    where they live (and places they chose), within their own limit; 不愿去外地 without one means
    LOCAL_REACH_KM; a worker who would relocate is matched anywhere."""
    from matching.core.workers import LOCAL_REACH_KM

    place = worker.current_division.name if worker.current_division_id else ""
    if worker.willing_to_relocate:
        return {"place": place, "km": worker.max_commute_km, "anywhere": True, "default": False}
    km = worker.max_commute_km if worker.max_commute_km is not None else int(LOCAL_REACH_KM)
    return {"place": place, "km": km, "anywhere": False, "default": worker.max_commute_km is None}


def related_occupation_names(worker: WorkerProfile, limit: int = 5) -> list[str]:
    """Occupations close to the ones the worker wants (the taxonomy's relations both ways, then the
    same family), to offer when nothing of theirs is near."""
    from backend.occupations.models import Occupation, OccupationRelation

    wanted = list(worker.desired_occupations.values_list("pk", "category"))
    ids = {pk for pk, _ in wanted}
    related: dict[int, None] = {}
    for target in OccupationRelation.objects.filter(source__in=ids).values_list("target", flat=True):
        related.setdefault(target, None)
    for source in OccupationRelation.objects.filter(target__in=ids).values_list("source", flat=True):
        related.setdefault(source, None)
    families = {category for _, category in wanted if category}
    for pk in Occupation.objects.filter(category__in=families).order_by("name").values_list("pk", flat=True):
        related.setdefault(pk, None)
    names = dict(Occupation.objects.filter(pk__in=related).values_list("pk", "name"))
    return [names[pk] for pk in related if pk not in ids and pk in names][:limit]
