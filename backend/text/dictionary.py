"""The domain words jieba must keep whole, from the names in the reference tables.

Words: every occupation, skill and certificate name and alias, and every division's full name
(英德市, 连南瑶族自治县) plus its short form (英德, 连南) where only one division has that short
form. Pure helpers over plain strings, so they can be tested and benchmarked without a database;
backend.text.selectors feeds them from the tables.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .normalise import normalise

# Division name suffixes, longest first (新区 before 区, 自治县 before 县).
_DIVISION_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)
# Only runs of Chinese characters become dictionary words. A name with punctuation reaches the
# dictionary as its parts (职业技能等级证书(电工) -> 职业技能等级证书, 电工). Latin and digits stay
# out: jieba keeps an ASCII run whole by itself, while a dictionary word such as c1 would split
# abc123, and one such as c1驾照 would hide c1 from a search for c1 (search mode only splits
# out sub-words the dictionary knows).
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fd5]{2,}")


@cache
def _ethnic_groups() -> tuple[str, ...]:
    """The 56 ethnic groups (瑶族, 土家族, ...), from the list cpca ships; longest first.

    Read from the file rather than importing cpca (whose import builds its whole address matcher).
    An empty tuple when cpca is absent: autonomous divisions then get no short form.
    """
    spec = importlib.util.find_spec("cpca")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "resources" / "56_nations.csv"
        if path.is_file():
            names = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
            return tuple(sorted((n for n in names if n.endswith("族")), key=len, reverse=True))
    return ()


def division_short_name(name: str) -> str | None:
    """英德市 -> 英德, 连南瑶族自治县 -> 连南, 广西壮族自治区 -> 广西; None when nothing is left."""
    stem = next((name[: -len(s)] for s in _DIVISION_SUFFIXES if name.endswith(s)), None)
    if stem is None:
        return None
    if name.endswith(("自治区", "自治州", "自治县", "自治旗")):
        groups = _ethnic_groups()
        if not groups:
            return None
        # Autonomous names list one or more peoples: 双江拉祜族佤族布朗族傣族自治县 -> 双江.
        while ending := next((g for g in groups if stem.endswith(g)), None):
            stem = stem[: -len(ending)]
        if stem.endswith("族"):  # a people the list does not know: better no short form than a wrong one
            return None
    return stem if len(stem) >= 2 and stem != name else None  # 和县 -> 和 is no name


def division_words(names: Iterable[str]) -> list[str]:
    """Full names, plus each short form that exactly one division yields and no division is named."""
    full = set(names)
    shorts = Counter(s for s in (division_short_name(n) for n in full) if s)
    return sorted(full | {s for s, count in shorts.items() if count == 1 and s not in full})


def dictionary_words(terms: Iterable[str]) -> list[str]:
    """The normalised runs of two or more Chinese characters in `terms`, deduplicated and sorted.

    Sorted so that every process adds the same words in the same order: jieba's suggested
    frequency for a word depends on the words added before it.
    """
    words: set[str] = set()
    for term in terms:
        words.update(_CHINESE_RUN.findall(normalise(term)))
    return sorted(words)
