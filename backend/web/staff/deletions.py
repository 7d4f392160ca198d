"""/staff/deletion-requests/: the deletion requests of the centre's counties (申请注销). Staff confirm,
which anonymises the profile, or refuse with a reason; a request made in person at the window is
recorded and confirmed in one step. Providers and employers never reach this page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.workers import deletion
from backend.workers.models import DeletionRequest
from backend.workers.selectors import deletion_request_list, worker_by_identity

from ..shared import run_reported, run_service
from ..worker.privacy_forms import InPersonForm, RefuseForm
from . import staff_only

RECENT = 20


def _request(user: Any, raw: str | None) -> DeletionRequest:
    """A pending request the user may see, from the posted id; 404 otherwise."""
    if not (raw or "").isdigit():
        raise Http404
    found = deletion_request_list(user=user, status=DeletionRequest.Status.PENDING).filter(pk=int(raw or 0))
    request = found.first()
    if request is None:
        raise Http404
    return request


def _in_person(request: HttpRequest, form: InPersonForm) -> bool:
    if not form.is_valid():
        return False
    worker = worker_by_identity(user=request.user, text=form.cleaned_data["identity"])
    if worker is None:
        form.add_error("identity", _("在本中心辖区没有找到该劳动者;手机号多人共用时请填身份证号。"))
        return False
    return run_service(form, lambda: deletion.deletion_request_in_person(actor=request.user, worker=worker))


def _post(request: HttpRequest) -> tuple[bool, dict[str, Form], int | None]:
    """(done, forms to show again, the refused row's id)."""
    action = request.POST.get("action")
    if action == "in_person":
        form = InPersonForm(request.POST)
        return _in_person(request, form), {"in_person": form}, None
    if action not in ("confirm", "refuse"):
        raise Http404
    row = _request(request.user, request.POST.get("id"))
    if action == "confirm":
        done = run_reported(
            request, lambda: deletion.deletion_request_confirm(actor=request.user, request=row)
        )
        return done, {}, None
    refuse = RefuseForm(request.POST, auto_id=f"r{row.pk}-%s")
    done = refuse.is_valid() and run_service(
        refuse,
        lambda: deletion.deletion_request_refuse(
            actor=request.user, request=row, reason=refuse.cleaned_data["reason"]
        ),
    )
    return done, {"refuse": refuse}, row.pk


@require_http_methods(["GET", "POST"])
@staff_only
def deletion_requests(request: HttpRequest) -> HttpResponse:
    forms: dict[str, Form] = {}
    refused_row = None
    if request.method == "POST":
        done, forms, refused_row = _post(request)
        if done:
            confirmed = request.POST.get("action") != "refuse"
            messages.success(request, _("已注销该劳动者的个人信息。") if confirmed else _("已告知不予注销。"))
            return redirect("staff-deletion-requests")
    pending = list(deletion_request_list(user=request.user, status=DeletionRequest.Status.PENDING))
    rows = [
        (r, forms["refuse"] if r.pk == refused_row else RefuseForm(auto_id=f"r{r.pk}-%s")) for r in pending
    ]
    decided = deletion_request_list(user=request.user).exclude(status=DeletionRequest.Status.PENDING)
    context = {
        "rows": rows,
        "decided": decided.order_by("-decided_at", "-pk")[:RECENT],
        "in_person": forms.get("in_person") or InPersonForm(),
    }
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "web/staff/deletions.html", context, status=status)
