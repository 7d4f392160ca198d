"""/manage/postings/...: job postings, for employers (their own) and service staff (their counties').

Every write goes through backend.jobs.services; its errors come back beside the form's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.policies import role_of
from backend.common import errors
from backend.common.ids import new_external_id
from backend.jobs import services
from backend.jobs.models import POSTING_STATUS_CHANGES

from .. import selectors_provider as sel
from ..forms_provider import COMMON_CAMPAIGNS, PostingForm
from .provider import problems_of, submit

MANAGERS = ("employer_staff", "service_staff")


def posting_managers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users log in first; roles other than employer and service staff get a 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if role_of(request.user) not in MANAGERS:
            raise PermissionDenied(_("只有用人单位或就业服务中心的工作人员可以管理招聘岗位。"))
        return view(request, *args, **kwargs)

    return wrapped


@posting_managers_only
def postings(request: HttpRequest) -> HttpResponse:
    context = {
        "postings": sel.managed_postings(user=request.user),
        "status_changes": POSTING_STATUS_CHANGES,
        "is_staff_view": role_of(request.user) == "service_staff",
    }
    return render(request, "web/postings/list.html", context)


@posting_managers_only
@require_http_methods(["GET", "POST"])
def posting_form(request: HttpRequest, posting_id: int | None = None) -> HttpResponse:
    posting = sel.managed_posting(user=request.user, posting_id=posting_id) if posting_id else None
    form = PostingForm(
        request.POST if request.method == "POST" else None, instance=posting, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if posting is None:
            data["external_id"] = new_external_id("j")
            action = partial(services.posting_create, actor=request.user, data=data)
        else:
            action = partial(services.posting_update, actor=request.user, posting=posting, data=data)
        if submit(form, action):
            messages.success(request, _("招聘岗位已保存。发布后劳动者才能搜到。"))
            return redirect("manage-postings")
    campaigns = sorted({*COMMON_CAMPAIGNS, *sel.campaign_names()})
    context = {
        "form": form,
        "posting": posting,
        "campaigns": campaigns,
        "skill_names": sel.occupation_skill_names(),
    }
    return render(request, "web/postings/form.html", context, status=400 if form.errors else 200)


@posting_managers_only
@require_POST
def posting_action(request: HttpRequest, posting_id: int) -> HttpResponse:
    """Publish, or set one of the hand-set statuses (filled, expired, back to draft)."""
    posting = sel.managed_posting(user=request.user, posting_id=posting_id)
    status = request.POST.get("status", "")
    try:
        if status == "published":
            services.posting_publish(actor=request.user, posting=posting)
        elif status in dict(POSTING_STATUS_CHANGES):
            services.posting_set_status(actor=request.user, posting=posting, status=status)
        else:
            raise Http404
    except errors.PermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except errors.DomainError as error:
        messages.error(request, _("“%(title)s”:") % {"title": posting.title} + problems_of(error))
        return redirect("manage-postings")
    messages.success(
        request,
        _("“%(title)s”已改为“%(status)s”。")
        % {"title": posting.title, "status": posting.get_status_display()},
    )
    return redirect("manage-postings")
