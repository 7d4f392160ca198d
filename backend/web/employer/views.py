"""/manage/postings/...: job postings, for employers (their own) and service staff (their counties').

Every write goes through backend.jobs.services; its errors come back beside the form's fields.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.policies import role_of
from backend.common.ids import new_external_id
from backend.jobs import services
from backend.jobs.models import POSTING_STATUS_CHANGES

from ..catalogue_selectors import occupation_skill_names
from ..shared import for_roles, run_reported, run_service
from . import selectors as sel
from .forms import COMMON_CAMPAIGNS, PostingForm

posting_managers_only = for_roles(
    "employer_staff",
    "service_staff",
    refusal=gettext_lazy("只有用人单位或就业服务中心的工作人员可以管理招聘岗位。"),
)


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
        if run_service(form, action):
            messages.success(request, _("招聘岗位已保存。发布后劳动者才能搜到。"))
            return redirect("manage-postings")
    campaigns = sorted({*COMMON_CAMPAIGNS, *sel.campaign_names()})
    context = {
        "form": form,
        "posting": posting,
        "campaigns": campaigns,
        "skill_names": occupation_skill_names(),
    }
    return render(request, "web/postings/form.html", context, status=400 if form.errors else 200)


@posting_managers_only
@require_POST
def posting_action(request: HttpRequest, posting_id: int) -> HttpResponse:
    """Publish, or set one of the hand-set statuses (filled, expired, back to draft)."""
    posting = sel.managed_posting(user=request.user, posting_id=posting_id)
    status = request.POST.get("status", "")
    if status == "published":
        change = partial(services.posting_publish, actor=request.user, posting=posting)
    elif status in dict(POSTING_STATUS_CHANGES):
        change = partial(services.posting_set_status, actor=request.user, posting=posting, status=status)
    else:
        raise Http404
    if run_reported(request, change, about=_("“%(title)s”:") % {"title": posting.title}):
        messages.success(
            request,
            _("“%(title)s”已改为“%(status)s”。")
            % {"title": posting.title, "status": posting.get_status_display()},
        )
    return redirect("manage-postings")
