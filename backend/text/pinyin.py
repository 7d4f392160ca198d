"""Pinyin forms of taxonomy names, so that "jiazheng" or "jz" find 家政服务员.

`search_terms` is what the taxonomy stores in each row's `search_terms` column: lowercase,
'|'-joined, without duplicates: the name, each alias, then the toneless full pinyin and the
pinyin initials of each of them. Latin letters and digits pass through (SYB, C1驾照 -> c1jiazhao, c1jz);
punctuation and spaces are dropped from the pinyin forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

SEPARATOR = "|"
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _join(parts: list[str]) -> str:
    return _NOT_ALNUM.sub("", "".join(parts).lower())


def full_pinyin(text: str) -> str:
    """Toneless pinyin, no spaces: 家政服务员 -> jiazhengfuwuyuan (ü is written v: 绿化 -> lvhua)."""
    return _join(lazy_pinyin(text, style=Style.NORMAL)) if text else ""


def initials(text: str) -> str:
    """First letter of each syllable: 家政服务员 -> jzfwy. Latin runs are kept whole (SYB培训 -> sybpx)."""
    return _join(lazy_pinyin(text, style=Style.FIRST_LETTER)) if text else ""


def normalize(text: str) -> str:
    """A term as stored and as searched: lowercase, no whitespace, no separator."""
    return "".join(text.split()).replace(SEPARATOR, "").lower()


def search_terms(name: str, aliases: Iterable[str] = ()) -> str:
    """name|alias...|pinyin of each|initials of each, lowercase and without duplicates."""
    words = [w for w in (normalize(t) for t in (name, *aliases)) if w]
    terms: dict[str, None] = dict.fromkeys(words)
    for word in words:
        terms.setdefault(full_pinyin(word))
    for word in words:
        terms.setdefault(initials(word))
    return SEPARATOR.join(t for t in terms if t)
