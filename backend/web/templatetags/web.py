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


def _plain_number(value: Any) -> str:
    """25.00 -> 25, 20.50 -> 20.5."""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)
