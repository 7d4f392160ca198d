"""How deeply a JSON text nests, found without recursion and before `json.loads` sees it.

Python's decoder recurses once per level and raises RecursionError (a 500) near 1,000 levels;
no request of ours nests beyond a handful. The scan is linear and mostly C: string literals are
cut out by one regular expression (so brackets inside them do not count), the rest is reduced to
its brackets, and only those are walked, and only when there are more than `limit` of them.
"""

from __future__ import annotations

import re

# A JSON string literal: quote, then runs of plain characters or backslash escapes, then quote.
# Written unrolled ("normal* (escape normal*)*") so that it never backtracks.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_OPENING = frozenset("[{")


def json_nesting_exceeds(text: str, *, limit: int) -> bool:
    """True when arrays/objects in `text` nest more than `limit` levels deep. An unterminated
    string is scanned as if it were not one, which can only make the count larger."""
    if text.count("[") + text.count("{") <= limit:  # the common case: too few brackets to nest
        return False
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for char in brackets:
        if char in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
