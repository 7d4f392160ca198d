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
    "worker": (
        (_("推荐给我"), "me-recommendations", ""),
        (_("我的申请"), "me-activity", ""),
        (_("我的资料"), "me-profile", ""),
    ),
    "provider_staff": (
        (_("我的培训项目"), "provider-programs", ""),
        (_("批量导入"), "manage-imports", ""),
        (_("接口文档"), "api-docs", ""),
    ),
    "employer_staff": (
        (_("招聘岗位"), "manage-postings", ""),
        (_("批量导入"), "manage-imports", ""),
        (_("接口文档"), "api-docs", ""),
    ),
    "service_staff": (
        (_("建议审核"), "staff-review", ""),
        (_("批量匹配"), "staff-runs", ""),
        (_("辖区看板"), "staff-dashboard", ""),
        (_("招聘岗位"), "manage-postings", ""),
        (_("批量导入"), "manage-imports", ""),
        (_("接口文档"), "api-docs", ""),
    ),
    "admin": ((_("管理后台"), "admin:index", ""),),
}


def nav_for(user: Any) -> list[tuple[str, str]]:
    """(label, url) pairs for the header."""
    entries = (*_EVERYONE, *_BY_ROLE.get(role_of(user), ()))
    return [(str(label), reverse(name) + suffix) for label, name, suffix in entries]
