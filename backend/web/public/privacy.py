"""/privacy/: 个人信息保护政策, the notice consents are given under (PIPL Art. 17), for anyone."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from backend.accounts.models import ServiceCentre


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    days = settings.PRIVACY_RETENTION_DAYS
    context = {
        "policy_version": settings.PRIVACY_POLICY_VERSION,
        "retention_days": days,
        "retention_years": days // 365 if days % 365 == 0 else None,
        "centres": ServiceCentre.objects.prefetch_related("counties").order_by("name"),
    }
    return render(request, "web/privacy.html", context)
