"""/staff/runs/: start a batch matching run over the centre's counties, follow it, cancel it.

Progress shows without JavaScript (a reload, or the refresh the page asks for while a run is
unfinished); static/js/staff-runs.js polls /api/v1/matching/runs/<id>/ to update it live.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from matching.models import MatchingRun
from matching.selectors import run_list
from matching.services.runs import matching_run_cancel, matching_run_start

from ..shared import run_reported, run_service
from . import selectors, staff_only
from .forms import RunStartForm

SHOWN = 20
UNFINISHED = (MatchingRun.Status.PENDING, MatchingRun.Status.RUNNING)


@require_http_methods(["GET", "POST"])
@staff_only
def runs(request: HttpRequest) -> HttpResponse:
    counties = selectors.covered_counties(user=request.user)
    form = RunStartForm(request.POST if request.method == "POST" else None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: matching_run_start(
                actor=request.user, kind=data["kind"], county_codes=data["county_codes"]
            ),
        ):
            messages.success(request, _("批量匹配已开始。"))
            return redirect("staff-runs")
    shown = list(run_list(user=request.user)[:SHOWN])
    names = {c.code: c.name for c in counties}
    context = {
        "form": form,
        "runs": [(run, [names.get(code, code) for code in run.county_codes]) for run in shown],
        "unfinished": any(run.status in UNFINISHED for run in shown),
    }
    return render(request, "web/staff/runs.html", context, status=400 if form.errors else 200)


@require_POST
@staff_only
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_list(user=request.user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    if run_reported(request, partial(matching_run_cancel, actor=request.user, run=run)):
        messages.success(request, _("已取消该批量匹配。"))
    return redirect("staff-runs")
