"""The text analyzer the TF-IDF block uses: backend.text.analysis.tokens (jieba search mode with the
domain dictionary), minus tokens made only of digits (headcounts, wages and dates in postings are
noise for matching; the wage is a feature of its own).

`analyse` is a module-level function so a fitted vectoriser pickles by reference; backend.text.analysis
is imported on first use, so importing matching.core stays free of Django. Its analyzer is the
process-wide one (built from the taxonomy tables in the Django process; tests and benchmarks
install one built from a word list with `backend.text.analysis.reset_analyzer`).
"""

from __future__ import annotations

from collections.abc import Callable

_tokens: Callable[[str], list[str]] | None = None


def analyse(text: str) -> list[str]:
    global _tokens
    if _tokens is None:
        from backend.text.analysis import tokens

        _tokens = tokens
    return [t for t in _tokens(text) if not t.isdigit()]
