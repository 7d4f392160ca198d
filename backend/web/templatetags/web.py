"""Template helpers of the web pages."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from html import escape, unescape
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..nav import nav_for

register = template.Library()

_MARKS = re.compile(r"(</?mark>)")


@register.filter
def highlight(snippet: str | None) -> SafeString:
    """A search snippet as HTML: every piece re-escaped, only balanced <mark> tags kept.

    The search service already escapes snippets; this makes the page safe even if a backend
    did not (a raw `<` from the index can never become markup here).
    """
    out, open_mark = [], False
    for piece in _MARKS.split(snippet or ""):
        if piece == "<mark>" and not open_mark:
            out.append(piece)
            open_mark = True
        elif piece == "</mark>" and open_mark:
            out.append(piece)
            open_mark = False
        elif piece not in ("<mark>", "</mark>"):
            out.append(escape(unescape(piece)))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))


@register.simple_tag
def field_errors(name: str, messages: list[str] | None) -> str:
    """The messages beside a field; the field points at them with aria-describedby="err-<name>"."""
    if not messages:
        return ""
    return format_html('<p class="field-error" id="err-{}">{}</p>', name, " ".join(str(m) for m in messages))


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context) -> list[tuple[str, str, bool]]:
    """(label, url, is current page) for the header. Some error pages render without a request."""
    request: HttpRequest | None = context.get("request")
    here = request.get_full_path() if request else ""
    return [(label, url, url == here) for label, url in nav_for(getattr(request, "user", None))]


@register.filter
def wage(fields: dict[str, Any]) -> str:
    """A job card's pay: 4000–6000 元/月, or a piece/day rate."""
    if fields.get("wage_type", "monthly") == "monthly" and fields.get("wage_min"):
        low, high = fields["wage_min"], fields.get("wage_max")
        amount = f"{low}–{high}" if high and high != low else f"{low}"
        return _("%(amount)s 元/月") % {"amount": amount}
    if fields.get("rate"):
        unit = fields.get("rate_unit") or (_("天") if fields.get("wage_type") == "daily" else _("件"))
        return _("%(rate)s 元/%(unit)s") % {"rate": _plain_number(fields["rate"]), "unit": unit}
    return _("面议")


@register.filter
def km(value: float | None) -> str:
    if value is None:
        return ""
    if value < 1:
        return _("不到 1 公里")
    return _("约 %(km)s 公里") % {"km": f"{value:.0f}" if value >= 10 else f"{value:.1f}"}


@register.filter
def distance(explanation: dict[str, Any] | None) -> str:
    """A distance that says from where: "离英德市约 3 公里", "离您选的连州市约 1 公里"."""
    e = explanation or {}
    km_text = km(e.get("distance_km"))
    place = e.get("distance_from")
    if not km_text or not place:
        return km_text
    if e.get("distance_from_chosen"):
        return _("离您选的%(place)s%(distance)s") % {"place": place, "distance": km_text}
    return _("离%(place)s%(distance)s") % {"place": place, "distance": km_text}


@register.filter
def for_staff(text: str | None) -> str:
    """A sentence written to the worker ("是您想做的焊工工作"), as staff read it: about the worker
    ("是劳动者想做的焊工工作"). Explanations are generated once, in the worker's words (and in
    Chinese: the replacement is too)."""
    return (text or "").replace("您", "劳动者")


# The rules' verdict (matching.core.rules.fit_label) -> (CSS class, label in the page's language).
FITS = {
    "适合": ("good", gettext_lazy("适合")),
    "可以考虑": ("consider", gettext_lazy("可以考虑")),
    "需先培训": ("train-first", gettext_lazy("需先培训")),
}


def _fit(explanation: dict[str, Any] | None) -> tuple[str, str]:
    css, label = FITS.get((explanation or {}).get("fit") or "", ("", ""))
    return css, str(label)


@register.filter
def fit_label(explanation: dict[str, Any] | None) -> str:
    return _fit(explanation)[1]


@register.filter
def fit_class(explanation: dict[str, Any] | None) -> str:
    return _fit(explanation)[0]


def _plain_number(value: Any) -> str:
    """25.00 -> 25, 20.50 -> 20.5."""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)
