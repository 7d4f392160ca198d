"""System check: the audit log is kept at least six months (网络安全法 第二十一条 / 等保2.0)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

MINIMUM_RETENTION_DAYS = 183


@register()
def retention_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", 365)
    if not isinstance(days, int) or days < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {days!r}; audit logs must be kept at least "
                f"{MINIMUM_RETENTION_DAYS} days (6 months).",
                hint="Set AUDIT_RETENTION_DAYS to 183 or more (the default is 365).",
                id="audit.E001",
            )
        ]
    return []
