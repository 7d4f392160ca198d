"""One canonical form for every piece of text we index, query or match.

NFKC folds full-width forms (ＡＢＣ１２３, ideographic space) to their ASCII forms, OpenCC
converts traditional and Hong Kong variant characters to simplified (廣東廚師 -> 广东厨师,
衞生 -> 卫生), Latin is lowercased, control/format/surrogate/private-use characters are
dropped and whitespace collapses to single spaces. The result never contains a character
that the C++ converter or jieba could choke on, so `normalise` is safe on any `str`.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Protocol

# OpenCC's hk2s = Hong Kong variants -> traditional -> simplified. Guangdong users type Hong
# Kong forms (衞, 綫, 着) as often as Taiwan ones; plain t2s leaves 衞 alone.
OPENCC_CONFIG = "hk2s"

# Cc (controls: NUL, ESC...), Cf (zero-width and bidi marks, BOM, soft hyphen), Cs (lone
# surrogates: cannot be encoded to UTF-8 for OpenCC or SQLite), Co (private use).
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


_converter: _Converter | None = None
_converter_lock = threading.Lock()


def _get_converter() -> _Converter:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc  # the C++ wheel; its dictionaries ship inside the package

                _converter = opencc.OpenCC(OPENCC_CONFIG)
    return _converter


def _drop_invisible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)


def to_simplified(text: str) -> str:
    """Traditional -> simplified; text OpenCC cannot take comes back unchanged rather than raising."""
    if text.isascii():
        return text
    try:
        return _get_converter().convert(text)
    except (UnicodeError, RuntimeError, ValueError):  # defensive: input is already clean UTF-8
        return text


def normalise(text: str) -> str:
    """NFKC, traditional -> simplified, lowercase, invisible characters dropped, spaces collapsed.

    Idempotent: normalise(normalise(x)) == normalise(x).
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    # Whitespace first (\\t, \\n, \\u3000 are whitespace, not dropped: they separate words), then
    # the invisible characters; isprintable() is a fast C check that skips the per-character
    # loop for ordinary text.
    text = " ".join(text.split())
    if not text.isprintable():
        text = " ".join(_drop_invisible(text).split())
    text = to_simplified(text).lower()
    # Lowercasing and conversion can, in rare cases, produce forms NFKC would fold again
    # (e.g. 'İ' -> 'i̇'); one more pass keeps the function idempotent.
    return unicodedata.normalize("NFKC", text)
