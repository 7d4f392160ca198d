"""/staff/review/: the match suggestions of the staff member's counties, reviewed one by one or in bulk.

Every form posts back to the same URL (filters kept in the query string): `action` says which
(review, annotate, bulk). Success redirects (POST/redirect/GET) with a message; a refused form
re-renders the queue with the problem beside the controls of that suggestion and status 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from matching.models import Suggestion
from matching.services.review import suggestion_annotate, suggestion_bulk_review, suggestion_review

from ..shared import run_service
from . import selectors, staff_only
from .forms import AnnotateForm, BulkReviewForm, QueueFilterForm, ReviewForm

PER_PAGE = 20


@dataclass
class Row:
    suggestion: Suggestion
    worker_name: str
    review: Form
    annotate: Form
    bulk_error: str = ""


def _suggestion(user: Any, raw: str | None) -> Suggestion:
    """A suggestion the user may see, from the posted id; 404 otherwise."""
    if not (raw or "").isdigit():
        raise Http404
    suggestion = selectors.review_queue(user=user).filter(pk=int(raw or 0)).first()
    if suggestion is None:
        raise Http404
    return suggestion


def _review_form(pk: int, data: Any = None) -> ReviewForm:
    return ReviewForm(data, auto_id=f"s{pk}-%s")


def _annotate_form(pk: int, data: Any = None) -> AnnotateForm:
    return AnnotateForm(data, auto_id=f"s{pk}-annotate-%s", initial={})


def _reviewed_message(decision: str | None, kind: str) -> str:
    """Say what approval created: the suggestion leaves the pending list, so the row cannot."""
    if decision != "approve":
        return _("已审核该建议:已驳回。")
    if kind == Suggestion.Kind.JOB:
        return _("已审核该建议:已通过,并已向用人单位推荐(在“已通过”里查看投递状态)。")
    return _("已审核该建议:已通过,并已提交培训报名(在“已通过”里查看报名状态)。")


def _post(request: HttpRequest) -> tuple[bool, dict[Any, Any]]:
    """Handle one posted form; (done, the bound forms to show again when it was refused)."""
    action = request.POST.get("action")
    if action == "bulk":
        return _post_bulk(request)
    if action not in ("review", "annotate"):
        raise Http404
    return _post_one(request, action)


def _post_bulk(request: HttpRequest) -> tuple[bool, dict[Any, Any]]:
    """Review the ticked suggestions, all or none; a refused id's problem goes beside its row."""
    bulk = BulkReviewForm(request.POST, ids=[int(v) for v in request.POST.getlist("ids") if v.isdigit()])
    elsewhere: dict[str, list[str]] = {}
    if bulk.is_valid():
        data = bulk.cleaned_data
        done: list[Suggestion] = []

        def review() -> None:
            done.extend(suggestion_bulk_review(
                actor=request.user, ids=data["ids"], decision=data["decision"],
                reason_code=data["reason_code"], note=data["note"],
            ))  # fmt: skip

        if run_service(bulk, review, elsewhere=elsewhere, always_summary=True):
            messages.success(request, _("已审核%(n)s条建议。") % {"n": len(done)})
            return True, {}
    bulk_errors: dict[int, str] = {}
    for field, problems in elsewhere.items():  # "ids.<pk>": one suggestion's problem
        if field.startswith("ids.") and field[4:].isdigit():
            bulk_errors[int(field[4:])] = " ".join(problems)
        else:
            bulk.add_error(None, problems)
    return False, {"bulk": bulk, "bulk_errors": bulk_errors}


def _post_one(request: HttpRequest, action: str) -> tuple[bool, dict[Any, Any]]:
    """Review or annotate one suggestion."""
    user = request.user
    suggestion = _suggestion(user, request.POST.get("suggestion"))
    if action == "review":
        form: Form = _review_form(suggestion.pk, request.POST)
        ok = form.is_valid() and run_service(
            form, lambda: suggestion_review(actor=user, suggestion=suggestion, **form.cleaned_data)
        )
        message = _reviewed_message(form.cleaned_data.get("decision"), suggestion.kind) if ok else ""
    else:
        form = _annotate_form(suggestion.pk, request.POST)
        ok = form.is_valid() and run_service(
            form,
            lambda: suggestion_annotate(actor=user, suggestion=suggestion, note=form.cleaned_data["note"]),
        )
        message = _("已保存备注。")
    if ok:
        messages.success(request, message)
        return True, {}
    return False, {(action, suggestion.pk): form, "focus": suggestion.pk}


@require_http_methods(["GET", "POST"])
@staff_only
def review_queue(request: HttpRequest) -> HttpResponse:
    counties = selectors.covered_counties(user=request.user)
    filters = QueueFilterForm(request.GET, counties=counties)
    valid = filters.is_valid()
    queue = selectors.review_queue(
        user=request.user, **(filters.filters() if valid else {"status": "pending"})
    )
    page = Paginator(queue, PER_PAGE).get_page(filters.cleaned_data.get("page") if valid else 1)
    bound: dict[Any, Any] = {}
    if request.method == "POST":
        done, bound = _post(request)
        if done:
            return redirect(request.get_full_path())
    bulk_errors = bound.get("bulk_errors", {})
    rows = [
        Row(
            suggestion=s,
            worker_name=selectors.mask_name(s.worker.name),
            review=bound.get(("review", s.pk)) or _review_form(s.pk),
            annotate=bound.get(("annotate", s.pk)) or _annotate_form(s.pk, None),
            bulk_error=bulk_errors.get(s.pk, ""),
        )
        for s in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "bulk": bound.get("bulk") or BulkReviewForm(None, ids=[]),
        "focus": bound.get("focus"),
        "query": query.urlencode(),
    }
    status = 400 if (bound or not valid) else 200
    return render(request, "web/staff/review.html", context, status=status)
