"""Snippets with matched words marked, built from the original text of a page of hits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from backend.text.normalise import normalise

SNIPPET_CHARS = 80


def compile_terms(alternatives: Iterable[tuple[str, ...]]) -> re.Pattern[str] | None:
    """One regex for every matched word (each alternative's tokens joined), longest first."""
    words = sorted({"".join(alt) for alt in alternatives if alt and "".join(alt)}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words))


def mark(text: str, pattern: re.Pattern[str] | None) -> str:
    """HTML-escape `text`, wrapping each match of `pattern` in <mark>."""
    if pattern is None:
        return escape(text)
    folded = normalise(text)
    if len(folded) != len(text):  # folding changed lengths: offsets would not line up
        text = folded
    out, last = [], 0
    for found in pattern.finditer(folded):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(text[found.start() : found.end()])}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(body: str, pattern: re.Pattern[str] | None) -> str:
    """A window of the body around its first match (or its start), marked."""
    text = " ".join(body.split())
    start = 0
    if pattern is not None:
        first = pattern.search(normalise(text))
        if first is not None and len(normalise(text)) == len(text):
            start = max(0, first.start() - SNIPPET_CHARS // 4)
    window = text[start : start + SNIPPET_CHARS]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return prefix + mark(window, pattern) + suffix
