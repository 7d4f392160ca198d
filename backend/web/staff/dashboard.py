"""/staff/dashboard/: monthly figures of the centre's counties (and training brands), as tables,
inline SVG charts and .xlsx downloads (?export=counties|brands)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.audit import services as audit

from ..exports import xlsx_response
from . import charts, selectors, staff_only
from .forms import DashboardForm

# The measures of the monthly tables, as (key, header).
MEASURES: tuple[tuple[str, Any], ...] = (
    ("postings", gettext_lazy("发布岗位")),
    ("programs", gettext_lazy("培训项目")),
    ("workers", gettext_lazy("登记劳动者")),
    ("reviewed", gettext_lazy("已审核建议")),
    ("approval_rate", gettext_lazy("通过率")),
    ("referrals", gettext_lazy("推荐投递")),
    ("hires", gettext_lazy("录用")),
    ("certifications", gettext_lazy("取证")),
)
MONTH = ("month", gettext_lazy("月份"))
COUNTY = ("county", gettext_lazy("区县"))

# (key, header) of each table; the page and the download use the same columns.
TABLES: dict[str, tuple[Any, tuple[tuple[str, Any], ...]]] = {
    "months": (gettext_lazy("全部辖区按月合计"), (MONTH, *MEASURES)),
    "counties": (gettext_lazy("各区县按月统计"), (MONTH, COUNTY, *MEASURES)),
    "brands": (
        gettext_lazy("培训品牌按月统计"),
        (
            MONTH,
            COUNTY,
            ("brand", gettext_lazy("培训品牌")),
            ("programs", gettext_lazy("培训项目")),
            ("certifications", gettext_lazy("取证")),
        ),
    ),
}


def _cell(row: dict[str, Any], key: str) -> Any:
    value = row[key]
    if key == "month":
        return value.strftime("%Y-%m")
    if key == "approval_rate":
        return None if value is None else round(value * 100, 1)
    return value


def _rows(name: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    return {"months": data["totals"], "counties": data["rows"], "brands": data["brand_rows"]}[name]


def _export(name: str, data: dict[str, Any]) -> HttpResponse:
    title, columns = TABLES[name]
    rows = _rows(name, data)
    headers = [f"{label}(%)" if key == "approval_rate" else str(label) for key, label in columns]
    return xlsx_response(
        filename=f"skillbridge-{name}.xlsx",
        sheet=str(title),
        headers=headers,
        rows=([_cell(row, key) for key, _label in columns] for row in rows),
    )


@staff_only
def dashboard(request: HttpRequest) -> HttpResponse:
    counties = selectors.covered_counties(user=request.user)
    form = DashboardForm(request.GET, counties=counties)
    valid = form.is_valid()
    months = (form.cleaned_data.get("months") or 12) if valid else 12
    county = (form.cleaned_data.get("county") or None) if valid else None
    data = selectors.dashboard(user=request.user, months=months, county=county)
    data["totals"] = totals = selectors.monthly_totals(data["rows"], data["months"])
    export = request.GET.get("export")
    if export:
        if export not in TABLES or not valid:
            raise Http404
        audit.record(action="export", actor=request.user, request=request,
                     detail={"table": export, "months": months, "county": county or ""})  # fmt: skip
        return _export(export, data)
    labels = [m.strftime("%Y-%m") for m in data["months"]]
    series = [
        (str(label), [row[key] for row in totals])
        for key, label in TABLES["months"][1]
        if key in ("postings", "referrals", "hires")
    ]
    rates = [None if row["approval_rate"] is None else row["approval_rate"] * 100 for row in totals]
    context = {
        "form": form,
        "data": data,
        "tables": {
            name: {
                "title": title,
                "headers": [label for _key, label in columns],
                "rows": [[_cell(row, key) for key, _label in columns] for row in _rows(name, data)],
            }
            for name, (title, columns) in TABLES.items()
        },
        "activity_chart": charts.bars(_("每月岗位、推荐和录用"), labels, series),
        "activity_legend": charts.legend([name for name, _values in series]),
        "rate_chart": charts.line(_("每月建议通过率"), labels, rates),
        "query": request.GET.urlencode(),
    }
    return render(request, "web/staff/dashboard.html", context, status=200 if valid else 400)
