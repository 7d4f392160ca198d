"""The header's links by role. Pages for providers, employers and staff add their entries here."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of

_EVERYONE = (
    (_("找工作"), "search", "?kind=job"),
    (_("找培训"), "search", "?kind=training"),
)
_BY_ROLE: dict[str, tuple[tuple[Any, str, str], ...]] = {
    "provider_staff": ((_("接口文档"), "api-docs", ""),),
    "employer_staff": ((_("接口文档"), "api-docs", ""),),
    "service_staff": ((_("接口文档"), "api-docs", ""),),
    "admin": ((_("管理后台"), "admin:index", ""),),
}


def nav_for(user: Any) -> list[tuple[str, str]]:
    """(label, url) pairs for the header."""
    entries = (*_EVERYONE, *_BY_ROLE.get(role_of(user), ()))
    return [(str(label), reverse(name) + suffix) for label, name, suffix in entries]
