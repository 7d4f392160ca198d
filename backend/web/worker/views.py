"""/me/profile/, /me/recommendations/, /me/activity/: the worker's own pages, thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.jobs.models import Application
from backend.jobs.services import application_update
from matching.selectors import my_suggestions, reach_of, related_occupation_names
from matching.services.recommend import recommendations_for_worker
from training.models import Enrolment
from training.services import enrolment_set_status

from ..shared import for_roles, run_reported
from . import present, wizard
from . import selectors as sel

worker_only = for_roles("worker", refusal=gettext_lazy("这个页面只给劳动者本人使用。"))


@require_http_methods(["GET", "POST"])
@worker_only
def me_profile(request: HttpRequest) -> HttpResponse:
    profile = sel.own_profile(user=request.user)

    def done(worker: Any) -> HttpResponse:
        wizard.saved_message(request, created=profile is None)
        return redirect("me-recommendations")

    title = _("修改我的资料") if profile else _("填写我的资料")
    return wizard.run(request, wizard.Wizard(request, "self", profile), title=title, done=done)


@require_http_methods(["GET"])
@worker_only
def me_recommendations(request: HttpRequest) -> HttpResponse:
    profile = sel.own_profile(user=request.user)
    if profile is None:
        messages.info(request, _("先花两分钟填写资料,我们才能为你推荐岗位和培训。"))
        return redirect("me-profile")
    tab = "training" if request.GET.get("tab") == "training" else "job"
    if not profile.consent_personalised_recommendations:
        return _not_personalised(request, profile, tab)
    recs = recommendations_for_worker(actor=request.user, worker=profile, kind=tab, k=20)
    results = present.results(recs.results)
    context: dict[str, Any] = {
        "profile": profile,
        "tab": tab,
        "results": results,
        "suggestions": present.suggestions(my_suggestions(user=request.user)),
        "reach": reach_of(profile),
    }
    if len(results) < 10:  # a short list: say what else there is, never fill it
        context["related"] = related_occupation_names(profile)
    return render(request, "web/worker/recommendations.html", context)


def _not_personalised(request: HttpRequest, profile: Any, tab: str) -> HttpResponse:
    """PIPL Art. 24: the worker turned personalised recommendations off; the county's newest items,
    the same for everyone there, and a one-click way back."""
    county = profile.current_division_id
    context: dict[str, Any] = {"profile": profile, "tab": tab, "not_personalised": True}
    if tab == "job":
        context["postings"] = sel.county_latest_postings(county=county)
    else:
        context["sessions"] = sel.county_open_sessions(county=county)
    return render(request, "web/worker/recommendations.html", context)


@require_http_methods(["GET"])
@worker_only
def me_activity(request: HttpRequest) -> HttpResponse:
    profile = sel.own_profile(user=request.user)
    if profile is None:
        return redirect("me-profile")
    context = {
        "applications": sel.my_applications(worker=profile),
        "enrolments": sel.my_enrolments(worker=profile),
        "withdrawable": present.WITHDRAWABLE_APPLICATIONS,
        "droppable": present.DROPPABLE_ENROLMENTS,
    }
    return render(request, "web/worker/activity.html", context)


@require_POST
@worker_only
def me_application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    profile = sel.own_profile(user=request.user)
    if profile is None:
        return redirect("me-profile")
    application = sel.my_application(worker=profile, application_id=application_id)
    if run_reported(request, lambda: application_update(
        actor=request.user, application=application, data={"status": Application.Status.WITHDRAWN}
    )):  # fmt: skip
        messages.success(request, _("已撤回投递。"))
    return redirect("me-activity")


@require_POST
@worker_only
def me_enrolment_drop(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    profile = sel.own_profile(user=request.user)
    if profile is None:
        return redirect("me-profile")
    enrolment = sel.my_enrolment(worker=profile, enrolment_id=enrolment_id)
    if run_reported(request, lambda: enrolment_set_status(
        actor=request.user, enrolment=enrolment, data={"status": Enrolment.Status.DROPPED}
    )):  # fmt: skip
        messages.success(request, _("已取消报名。"))
    return redirect("me-activity")
