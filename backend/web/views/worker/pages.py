"""/me/profile/, /me/recommendations/, /me/activity/ and /staff/workers/new/: thin views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.policies import role_of
from backend.common import errors
from backend.jobs.models import Application
from backend.jobs.services import application_update
from matching.selectors import my_suggestions
from matching.services.recommend import recommendations_for_worker
from training.models import Enrolment
from training.services import enrolment_set_status

from ... import selectors_worker as sel
from . import present, wizard

View = Callable[..., HttpResponse]


def for_roles(*roles: str, refusal: Any) -> Callable[[View], View]:
    """Anonymous users log in first; other roles get the 403 page with `refusal`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in roles:
                raise PermissionDenied(str(refusal))
            return view(request, *args, **kwargs)

        return guarded

    return decorate


_worker_only = for_roles("worker", refusal=gettext_lazy("这个页面只给劳动者本人使用。"))


@require_http_methods(["GET", "POST"])
@_worker_only
def me_profile(request: HttpRequest) -> HttpResponse:
    profile = sel.own_profile(user=request.user)

    def done(worker: Any) -> HttpResponse:
        wizard.saved_message(request, created=profile is None)
        return redirect("me-recommendations")

    title = _("修改我的资料") if profile else _("填写我的资料")
    return wizard.run(request, wizard.Wizard(request, "self", profile), title=title, done=done)


@require_http_methods(["GET", "POST"])
@for_roles("service_staff", "admin", refusal=gettext_lazy("只有就业服务人员可以在窗口登记劳动者。"))
def staff_worker_new(request: HttpRequest) -> HttpResponse:
    created = request.GET.get("created", "")
    if request.method == "GET" and created.isdigit():
        worker = sel.worker_for_staff(user=request.user, worker_id=int(created))
        preview = recommendations_for_worker(actor=request.user, worker=worker, kind="job", k=5)
        context = {"worker": worker, "results": present.results(preview.results)}
        return render(request, "web/worker/registered.html", context)

    def done(worker: Any) -> HttpResponse:
        wizard.saved_message(request, created=True)
        return redirect(wizard.staff_done_url(worker))

    run = wizard.Wizard(request, "staff", None)
    return wizard.run(request, run, title=_("窗口登记劳动者"), done=done)


@require_http_methods(["GET"])
@_worker_only
def me_recommendations(request: HttpRequest) -> HttpResponse:
    profile = sel.own_profile(user=request.user)
    if profile is None:
        messages.info(request, _("先花两分钟填写资料,我们才能为你推荐岗位和培训。"))
        return redirect("me-profile")
    tab = "training" if request.GET.get("tab") == "training" else "job"
    recs = recommendations_for_worker(actor=request.user, worker=profile, kind=tab, k=20)
    context = {
        "profile": profile,
        "tab": tab,
        "results": present.results(recs.results),
        "suggestions": present.suggestions(my_suggestions(user=request.user)),
    }
    return render(request, "web/worker/recommendations.html", context)


@require_http_methods(["GET"])
@_worker_only
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
@_worker_only
def me_application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    profile = sel.own_profile(user=request.user)
    if profile is None:
        return redirect("me-profile")
    application = sel.my_application(worker=profile, application_id=application_id)
    _change(request, lambda: application_update(
        actor=request.user, application=application, data={"status": Application.Status.WITHDRAWN}
    ), done=_("已撤回投递。"))  # fmt: skip
    return redirect("me-activity")


@require_POST
@_worker_only
def me_enrolment_drop(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    profile = sel.own_profile(user=request.user)
    if profile is None:
        return redirect("me-profile")
    enrolment = sel.my_enrolment(worker=profile, enrolment_id=enrolment_id)
    _change(request, lambda: enrolment_set_status(
        actor=request.user, enrolment=enrolment, data={"status": Enrolment.Status.DROPPED}
    ), done=_("已取消报名。"))  # fmt: skip
    return redirect("me-activity")


def _change(request: HttpRequest, action: Callable[[], Any], *, done: str) -> None:
    """Run a status change; the service's refusal is shown as a message on the list."""
    try:
        action()
    except errors.PermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except errors.DomainError as error:
        problems = [p["message"] for items in error.fields.values() for p in items]
        messages.error(request, " ".join(problems) or error.message)
    else:
        messages.success(request, done)
