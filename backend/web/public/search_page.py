"""What the search page shows around the results: tabs, facet choices, pagination links.

Pure functions of the form and the result, so the view stays a few lines and these are testable
without a request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from backend.occupations.models import Brand
from search.params import JOB_ONLY_PARAMS, TRAINING_ONLY_PARAMS
from search.query import MAX_PAGE, FacetValue, SearchResult

from .forms import SearchForm

MAX_OCCUPATION_OPTIONS = 40  # the most frequent ones; a long select is unusable on a phone
RADII_KM = (10, 30, 50, 100, 200)
WAGE_FLOORS = (3000, 4000, 5000, 6000, 8000, 10000)
BRAND_LABELS = dict(Brand.choices)
KIND_LABELS = {"all": _("全部"), "job": _("岗位"), "training": _("培训")}
SORT_LABELS = {
    "relevance": _("最相关"),
    "distance": _("离我最近"),
    "wage": _("工资最高"),
    "newest": _("最新发布"),
}
DELIVERY_LABELS = {"offline": _("线下"), "online": _("线上"), "blended": _("线上线下结合")}


@dataclass
class Link:
    label: str
    url: str
    current: bool = False
    count: int | None = None


@dataclass
class Option:
    value: str
    label: str
    count: int | None = None
    selected: bool = False


def url_with(data: QueryDict, **changes: str | None) -> str:
    """`?` + the form's parameters with some replaced (None removes one); page resets unless given."""
    params = data.copy()
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def tabs(form: SearchForm, result: SearchResult | None) -> list[Link]:
    counts = {v.value: v.count for v in result.facets.get("kind", [])} if result else {}
    links = []
    for kind, label in KIND_LABELS.items():
        # Switching tabs drops the filters that only apply to the other kind.
        drop = dict.fromkeys(
            TRAINING_ONLY_PARAMS if kind == "job" else JOB_ONLY_PARAMS if kind == "training" else ()
        )
        count = sum(counts.values()) if kind == "all" else counts.get(kind)
        if form.kind not in ("all", kind):
            count = None  # the facet only counts the kind being shown
        links.append(Link(str(label), url_with(form.data, kind=None if kind == "all" else kind, **drop),
                          current=form.kind == kind, count=count))  # fmt: skip
    return links


def options(values: list[FacetValue], selected: list[str], *, limit: int) -> list[Option]:
    """The most frequent facet values as choices; selected ones kept even when no longer listed."""
    chosen = values[:limit]
    present = {v.value for v in chosen}
    out = [Option(v.value, v.label, v.count, v.value in selected) for v in chosen]
    out.extend(Option(value, value, None, True) for value in selected if value not in present)
    return out


def facet_choices(form: SearchForm, result: SearchResult | None, *, division_label: str) -> dict[str, object]:
    facets = result.facets if result else {}
    division = form.value("division")
    # Cities always; counties only within the chosen city (a select of 120 counties helps no one
    # on a phone, and renders slowly).
    city_prefix = division[:4] if len(division) == 6 and not division.endswith("0000") else None
    places = [Option(v.value, v.label, v.count, v.value == division) for v in facets.get("city", [])]
    cities = {o.value for o in places}
    places += [
        Option(v.value, f"\u3000{v.label}", v.count, v.value == division)  # indented under its city
        for v in facets.get("county", [])
        if city_prefix and v.value.startswith(city_prefix) and v.value not in cities
    ]
    if division and not any(o.selected for o in places):
        places.insert(0, Option(division, division_label or division, None, True))
    benefits = {v.value: v.count for v in facets.get("benefits", [])}
    return {
        "places": places,
        "occupations": options(facets.get("occupation", []), form.values("occupation"), limit=MAX_OCCUPATION_OPTIONS),
        "brands": _all_choices(BRAND_LABELS, facets.get("brand", []), form.values("brand")),
        "delivery": _all_choices(DELIVERY_LABELS, facets.get("delivery", []), form.values("delivery")),
        "benefit_counts": benefits,
        "wage_floors": [Option(str(w), f"{w}", None, form.value("wage_floor") == str(w)) for w in WAGE_FLOORS],
        "radii": [Option(str(r), f"{r}", None, form.value("radius_km") == str(r)) for r in RADII_KM],
        "sorts": [Option(k, str(v), None, form.value("sort") == k) for k, v in SORT_LABELS.items()],
    }  # fmt: skip


def _all_choices(labels: dict, values: list[FacetValue], selected: list[str]) -> list[Option]:
    """Every choice of a small fixed set, in a stable order, with its count when the facet has one."""
    counts = {v.value: v.count for v in values}
    return [
        Option(value, str(label), counts.get(value, 0), value in selected) for value, label in labels.items()
    ]


def pagination(form: SearchForm, result: SearchResult) -> dict[str, object]:
    pages = min(math.ceil(result.total / result.page_size), MAX_PAGE) if result.total else 0
    current = result.page
    window = range(max(1, current - 2), min(pages, current + 2) + 1)
    return {
        "pages": pages,
        "previous": url_with(form.data, page=str(current - 1)) if current > 1 else None,
        "next": url_with(form.data, page=str(current + 1)) if current < pages else None,
        "links": [Link(str(n), url_with(form.data, page=str(n)), current=n == current) for n in window],
        "first": (current - 1) * result.page_size + 1,
        "last": min(current * result.page_size, result.total),
    }
