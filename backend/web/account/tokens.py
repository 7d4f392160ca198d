"""/account/tokens/: the signed-in user's API tokens (one per device), each revocable, or all at
once. Plain forms: no script. Thin views over backend/accounts' token services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts import selectors, services
from backend.common.errors import NotFound


@login_required
@require_http_methods(["GET"])
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = selectors.api_tokens_live(user=request.user)
    return render(request, "web/account/tokens.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(actor=request.user, token_id=token_id, request=request)
    except NotFound:
        messages.warning(request, _("该令牌已不存在（可能已过期或已被吊销）。"))
    else:
        messages.success(request, _("已吊销该令牌，使用它的设备需要重新登录。"))
    return redirect("account-tokens")


@login_required
@require_POST
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    count = services.api_tokens_revoke_all(actor=request.user, user=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, _("已吊销全部 %(count)d 个令牌。") % {"count": count})
    return redirect("account-tokens")
