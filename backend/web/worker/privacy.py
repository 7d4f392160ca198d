"""/me/privacy/: 隐私与数据, the worker's own consents, a copy of their data (JSON, Excel) and a
deletion request; thin views over backend/workers (consent, privacy, deletion)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from backend.workers import consent, deletion, export_files, privacy
from backend.workers.models import ConsentPurpose, DeletionRequest
from backend.workers.selectors import latest_deletion_request

from ..shared import run_reported
from . import selectors as sel
from .privacy_forms import NEXT_PAGES, ConsentForm, DeletionRequestForm
from .views import worker_only

# What each purpose means for the worker, beside its switch.
PURPOSE_HELP: dict[str, Any] = {
    ConsentPurpose.DATA_PROCESSING: gettext_lazy(
        "保存和处理你的资料,用来推荐岗位和培训。关掉后不再为你推荐。"
    ),
    ConsentPurpose.SHARE_WITH_EMPLOYERS: gettext_lazy(
        "工作人员可以把你的资料推荐给用人单位(手机号、身份证号只显示部分)。"
    ),
    ConsentPurpose.CONTACT: gettext_lazy("有合适的岗位和培训时通知你。"),
    ConsentPurpose.PERSONALISED_RECOMMENDATIONS: gettext_lazy(
        "根据你的技能、住处和要求推荐。关掉后只看到本县最新的岗位和培训,人人一样。"
    ),
}


def _page(request: HttpRequest, profile: Any, *, delete_form: DeletionRequestForm | None = None,
          status: int = 200) -> HttpResponse:  # fmt: skip
    context = {
        "profile": profile,
        "consents": [
            {
                "purpose": p,
                "label": label,
                "help": PURPOSE_HELP[p],
                "given": getattr(profile, consent.MIRRORS[p]),
            }
            for p, label in ConsentPurpose.choices
        ],
        "history": consent.consent_history(worker=profile)[:20],
        "deletion": latest_deletion_request(worker=profile),
        "pending": DeletionRequest.Status.PENDING,
        "delete_form": delete_form or DeletionRequestForm(),
    }
    return render(request, "web/worker/privacy.html", context, status=status)


def with_own_profile(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Hands the view the worker's own profile; without one there is nothing held to show."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        profile = sel.own_profile(user=request.user)
        if profile is None:
            messages.info(request, _("你还没有填写资料,平台没有保存你的个人信息。"))
            return redirect("me-profile")
        return view(request, profile, *args, **kwargs)

    return wrapped


@require_GET
@worker_only
@with_own_profile
def me_privacy(request: HttpRequest, profile: Any) -> HttpResponse:
    return _page(request, profile)


@require_POST
@worker_only
@with_own_profile
def me_privacy_consent(request: HttpRequest, profile: Any) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return _page(request, profile, status=400)
    data = form.cleaned_data
    if run_reported(
        request,
        lambda: consent.consent_set(
            actor=request.user, worker=profile, purpose=data["purpose"], given=data["given"]
        ),
    ):
        label = ConsentPurpose(data["purpose"]).label
        messages.success(
            request,
            (_("已同意:{label}。") if data["given"] else _("已撤回同意:{label}。")).format(label=label),
        )
    return redirect(NEXT_PAGES.get(data["next"] or "privacy", "me-privacy"))


@require_GET
@worker_only
def me_privacy_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("json", "xlsx"):
        raise Http404
    return _download(request, fmt=fmt)


@with_own_profile
def _download(request: HttpRequest, profile: Any, *, fmt: str) -> HttpResponse:
    data = privacy.worker_data_export(actor=request.user, worker=profile)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        response = HttpResponse(export_files.as_json(data), content_type=export_files.JSON_TYPE)
    else:
        response = HttpResponse(export_files.as_xlsx(data), content_type=export_files.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"  # personal data: never kept by a proxy or the browser cache
    return response


@require_POST
@worker_only
@with_own_profile
def me_privacy_delete(request: HttpRequest, profile: Any) -> HttpResponse:
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, profile, delete_form=form, status=400)
    if run_reported(request, lambda: deletion.deletion_request_create(actor=request.user, worker=profile)):
        messages.success(request, _("注销申请已提交,服务中心工作人员确认后办理。"))
    return redirect("me-privacy")
