"""/audit/: the audit log, for the auditor (审计管理员) alone; filters, pages, an .xlsx of the view.

Everything shown was masked when it was written (backend/audit/masking.py). The export is itself
an audit entry.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from backend.accounts.models import User
from backend.audit import selectors, services
from backend.audit.models import Entry

from ..exports import xlsx_response
from ..shared import for_roles
from .forms import EntryFilterForm

PER_PAGE = 50
EXPORT_LIMIT = 10000  # rows in one download; narrow the filters for more

auditor_only = for_roles("auditor", refusal=gettext_lazy("只有审计管理员可以查看审计日志。"))
ROLES = dict(User.Role.choices)
HEADERS = (
    gettext_lazy("时间"), gettext_lazy("事件"), gettext_lazy("操作人账号"), gettext_lazy("角色"),
    gettext_lazy("IP地址"), gettext_lazy("请求编号"), gettext_lazy("对象类型"), gettext_lazy("对象"),
    gettext_lazy("变更"), gettext_lazy("详情"),
)  # fmt: skip


def _changes(entry: Entry) -> str:
    """field: old → new, one per field (already masked)."""
    parts = []
    for field, values in (entry.changes or {}).items():
        if isinstance(values, list | tuple) and len(values) == 2:
            parts.append(f"{field}: {values[0]} → {values[1]}")
        else:
            parts.append(f"{field}: {json.dumps(values, ensure_ascii=False)}")
    return "; ".join(parts)


def _row(entry: Entry, names: dict[str, str]) -> list[Any]:
    target_type = f"{entry.content_type.app_label}.{entry.content_type.model}" if entry.content_type else ""
    target = f"{entry.object_repr} (#{entry.object_pk})" if entry.object_pk else entry.object_repr
    return [
        timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
        entry.get_event_display(),
        entry.actor_label or str(gettext_lazy("系统")),
        str(ROLES.get(entry.actor_role, entry.actor_role)),
        entry.remote_addr or "",
        entry.cid or "",
        names.get(target_type, target_type),
        target,
        _changes(entry),
        json.dumps(entry.additional_data, ensure_ascii=False) if entry.additional_data else "",
    ]


@require_GET
@auditor_only
def entries(request: HttpRequest) -> HttpResponse:
    form = EntryFilterForm(request.GET)
    valid = form.is_valid()
    if not valid:
        return render(request, "web/audit/entries.html", {"form": form, "page": None}, status=400)
    names = dict(selectors.target_type_choices())
    found = selectors.entry_list(**form.filters())
    if request.GET.get("export") == "xlsx":
        return _export(request, form, found, names)
    page = Paginator(found, PER_PAGE).get_page(form.cleaned_data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "headers": HEADERS,
        "rows": [_row(entry, names) for entry in page],
        "query": query.urlencode(),
    }
    return render(request, "web/audit/entries.html", context)


def _export(request: HttpRequest, form: EntryFilterForm, found: Any, names: dict[str, str]) -> HttpResponse:
    rows = [_row(entry, names) for entry in found[:EXPORT_LIMIT]]
    filters = {key: str(value) for key, value in form.filters().items() if value}
    services.record(
        action=services.Event.EXPORT,
        actor=request.user,
        detail={"table": "audit_log", "filters": filters, "rows": len(rows)},
        request=request,
    )
    return xlsx_response(
        filename="skillbridge-audit-log.xlsx",
        sheet=str(gettext_lazy("审计日志")),
        headers=[str(h) for h in HEADERS],
        rows=rows,
    )
