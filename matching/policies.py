"""Who may see and do what in matching. Services and selectors ask here; the roles themselves
(`role_of`, `covers`, `is_admin`) come from `backend.accounts.policies`.

- Suggestions: an admin sees all; service staff those of workers living in their counties, and
  only they (or an admin) review them; a worker sees their own approved ones, without the review
  internals; providers and employers none.
- Runs: an admin sees and manages every run; service staff the runs started by anyone of their
  centre.
- Model versions: staff and admins see them; only an admin switches the active one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from backend.accounts.policies import covered_county_codes, covers, is_admin, role_of
from backend.workers.models import WorkerProfile

from .models import MatchingRun, ModelVersion, Suggestion

STAFF_ROLES = ("service_staff", "admin")


# --- suggestions -----------------------------------------------------------------------------


def visible_suggestions(actor: Any) -> Q | None:
    """The filter on suggestions the actor may see; None when they may see none."""
    role = role_of(actor)
    if role == "admin":
        return Q()
    if role == "service_staff":
        return Q(worker__current_division_id__in=covered_county_codes(actor))
    if role == "worker":
        return Q(worker__user=actor, status=Suggestion.Status.APPROVED)
    return None


def can_review_suggestions(actor: Any, worker: WorkerProfile) -> bool:
    """Only service staff of the worker's county (or an admin) decide on a worker's suggestions."""
    role = role_of(actor)
    return role == "admin" or (role == "service_staff" and covers(actor, worker.current_division_id))


def can_see_review_details(actor: Any) -> bool:
    """Score, reason code, note, reviewer, model and run of a suggestion: staff and admins only."""
    return role_of(actor) in STAFF_ROLES


def can_preview_matching(actor: Any) -> bool:
    """Recommendations for an unsaved profile: service staff at the window (and admins)."""
    return role_of(actor) in STAFF_ROLES


# --- runs ------------------------------------------------------------------------------------


def visible_runs(actor: Any) -> Q | None:
    """The filter on runs the actor may see; None when they may see none."""
    role = role_of(actor)
    if role == "admin":
        return Q()
    if role == "service_staff":
        return Q(started_by__service_centre_id=actor.service_centre_id)
    return None


def can_see_run(actor: Any, run: MatchingRun) -> bool:
    scope = visible_runs(actor)
    return scope is not None and MatchingRun.objects.filter(scope, pk=run.pk).exists()


def can_manage_run(actor: Any, run: MatchingRun) -> bool:
    """Cancel or resume: staff (or an admin) who can see the run."""
    return can_see_run(actor, run) and role_of(actor) in STAFF_ROLES


# --- model versions --------------------------------------------------------------------------


def can_see_model_versions(actor: Any) -> bool:
    return role_of(actor) in STAFF_ROLES


def can_activate_model_version(actor: Any, version: ModelVersion) -> bool:
    """Switching the active ranker (e.g. back to the baseline) is an admin's decision."""
    return is_admin(actor)
