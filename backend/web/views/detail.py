"""/jobs/<id>/ and /courses/<id>/: one posting or program; a worker applies or enrols by POST.

A POST calls the existing service (application_create, enrolment_apply) as the logged-in worker.
Domain errors come back as form errors on the same page, with what was typed kept; success
redirects back to the page (POST/redirect/GET) with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.policies import role_of
from backend.common import errors
from backend.jobs.services import application_create
from training.services import enrolment_apply

from .. import selectors
from ..forms import ApplyForm, EnrolForm


def _as_worker(request: HttpRequest) -> HttpResponse | None:
    """Anonymous users log in first; other roles may not use the worker's self-service forms."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if role_of(request.user) != "worker":
        raise PermissionDenied(_("只有劳动者本人可以在这里投递或报名;工作人员请使用推荐功能。"))
    return None


def _submit(form: Form, action: Callable[[], Any]) -> bool:
    """Run the service; a domain error becomes form errors (by field where the form has it)."""
    try:
        action()
    except errors.PermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except errors.DomainError as error:
        placed = False
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem["message"])
                placed = True
        if not placed:
            form.add_error(None, error.message)
        return False
    return True


@require_http_methods(["GET", "POST"])
def job_detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_for_page(user=request.user, posting_id=posting_id)
    worker = selectors.worker_profile_of(user=request.user)
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if (refused := _as_worker(request)) is not None:
            return refused
        if form.is_valid() and _submit(
            form,
            lambda: application_create(actor=request.user, data={"posting": posting, **form.cleaned_data}),
        ):
            messages.success(request, _("已投递,用人单位会通过你留的电话联系你。"))
            return redirect("job-detail", posting_id=posting.pk)
    context = {
        "posting": posting,
        "form": form,
        "application": selectors.application_of(worker=worker, posting=posting),
        "is_worker": role_of(request.user) == "worker",
    }
    return render(request, "web/job_detail.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    program = selectors.program_for_page(user=request.user, program_id=program_id)
    worker = selectors.worker_profile_of(user=request.user)
    sessions = selectors.open_sessions(user=request.user, program=program)
    form = EnrolForm(request.POST if request.method == "POST" else None, sessions=sessions)
    if request.method == "POST":
        if (refused := _as_worker(request)) is not None:
            return refused
        if form.is_valid() and _submit(
            form, lambda: enrolment_apply(actor=request.user, data={"session": form.cleaned_data["session"]})
        ):
            messages.success(request, _("报名已提交,培训机构确认后会通知你。"))
            return redirect("course-detail", program_id=program.pk)
    enrolments = selectors.enrolments_of(worker=worker, program=program)
    context = {
        "program": program,
        "rows": [(session, enrolments.get(session.pk)) for session in sessions],
        "form": form,
        "is_worker": role_of(request.user) == "worker",
    }
    return render(request, "web/course_detail.html", context, status=400 if form.errors else 200)
