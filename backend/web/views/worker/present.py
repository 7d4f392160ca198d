"""Recommendations and suggestions shaped for the templates (links, plain-Chinese labels)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from backend.jobs.models import Application
from matching.models import Suggestion
from training.models import Enrolment

from ...selectors_worker import TRAINING_REASONS

# What the worker may still undo (the services refuse the rest; these only decide which rows
# get a button).
WITHDRAWABLE_APPLICATIONS = (
    Application.Status.SUBMITTED,
    Application.Status.VIEWED,
    Application.Status.INTERVIEW,
)
DROPPABLE_ENROLMENTS = (Enrolment.Status.APPLIED, Enrolment.Status.ENROLLED)


def _url(kind: str, item: dict[str, Any]) -> str:
    if kind == "job":
        return reverse("job-detail", args=[item["id"]])
    return reverse("course-detail", args=[item["program_id"]])


def results(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Live recommendations with the item's link, the training reason in words and pathway links."""
    out = []
    for row in rows:
        pathways = [
            {**p, "url": reverse("course-detail", args=[p["program_id"]]) if p.get("program_id") else ""}
            for p in row.get("pathways") or ()
        ]
        out.append({
            **row,
            "url": _url(row["kind"], row["item"]),
            "reason_label": TRAINING_REASONS.get(row.get("reason") or "", ""),
            "pathways": pathways,
        })  # fmt: skip
    return out


def suggestions(rows: Iterable[Suggestion]) -> list[dict[str, Any]]:
    """Approved suggestions: what, where, and the summary staff saw."""
    out = []
    for s in rows:
        if s.kind == Suggestion.Kind.JOB and s.posting is not None:
            title, org, url = (
                s.posting.title,
                s.posting.employer.name,
                reverse("job-detail", args=[s.posting_id]),
            )
        elif s.session is not None:
            program = s.session.program
            title, org, url = (
                program.title,
                program.provider.name,
                reverse("course-detail", args=[program.pk]),
            )
        else:
            continue
        out.append({"suggestion": s, "title": title, "org": org, "url": url,
                    "summary": (s.explanation or {}).get("summary", "")})  # fmt: skip
    return out
