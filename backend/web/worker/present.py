"""Recommendations and suggestions shaped for the templates (links, plain-Chinese labels)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from backend.jobs.models import Application
from matching.models import Suggestion
from training.models import Enrolment

# What a training recommendation is for, in plain words (matching.core.types.REASONS).
TRAINING_REASONS = {
    "start_business": _("适合想创业的你"),
    "upgrade_certificate": _("可以提升你的证书等级"),
    "desired_occupation": _("对口你想做的工作"),
    "online_far_from_venue": _("线上学习,不用跑远路"),
    "skill_gap": _("补上岗位要求的技能"),
}


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
