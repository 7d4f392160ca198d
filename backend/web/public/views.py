"""The pages anyone may open: home, search, one posting or program, and the health check.

On /jobs/<id>/ and /courses/<id>/ a worker applies or enrols by POST, through the existing service
(application_create, enrolment_apply) as the logged-in worker. Domain errors come back as form
errors on the same page, with what was typed kept; success redirects back to the page
(POST/redirect/GET) with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from backend.accounts.policies import role_of
from backend.common.health import HealthView
from backend.jobs.services import application_create
from search.services import search_run
from training.services import enrolment_apply

from ..shared import refuse_unless, run_service
from . import search_page, selectors
from .forms import ApplyForm, EnrolForm, SearchForm

# Other roles may look at a posting or program but not use the worker's self-service forms.
WORKER_ONLY = gettext_lazy("只有劳动者本人可以在这里投递或报名;工作人员请使用推荐功能。")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


# /healthz: database, cache, broker (when set), search index; 503 names what fails. Never cached.
healthz = HealthView.as_view()


@require_safe
@never_cache
def healthz_live(request: HttpRequest) -> JsonResponse:
    """/healthz/live: the process answers; touches nothing, for a liveness probe that must not
    restart a healthy process because the database is away."""
    return JsonResponse({"status": "ok"})


def search(request: HttpRequest) -> HttpResponse:
    """/search/: the search service rendered as a page, with the same parameters as the API."""
    form = SearchForm(request.GET)
    result = search_run(query=form.query()) if form.is_valid else None
    home = selectors.worker_home_county(user=request.user)
    context = {
        "form": form,
        "result": result,
        "home_county": home,
        "tabs": search_page.tabs(form, result),
        "choices": search_page.facet_choices(
            form, result, division_label=selectors.division_name(code=form.value("division"))
        ),
        "pagination": search_page.pagination(form, result) if result else None,
    }
    return render(request, "web/search.html", context, status=200 if form.is_valid else 400)


@require_http_methods(["GET", "POST"])
def job_detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    posting = selectors.posting_for_page(user=request.user, posting_id=posting_id)
    worker = selectors.worker_profile_of(user=request.user)
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if (refused := refuse_unless(request, "worker", refusal=WORKER_ONLY)) is not None:
            return refused
        if form.is_valid() and run_service(
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
        if (refused := refuse_unless(request, "worker", refusal=WORKER_ONLY)) is not None:
            return refused
        if form.is_valid() and run_service(
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
