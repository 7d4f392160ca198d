"""Query understanding: words that name a filter become that filter, words that say nothing go.

Job seekers type benefits as words (东莞 普工 包吃住) and padding (招工, 找工作). Matched as text,
包吃住 misses postings that say 包吃包住 and hits 包吃不包住; as the lodging and meals filters it
means what the user meant. The rewrite happens once, before any backend, so every backend sees
the same query.
"""

from __future__ import annotations

import re
from dataclasses import replace

from backend.text.normalise import normalise

from .query import SearchQuery

# Longest first, so 包吃包住 is taken before 包吃.
_FILTER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("包吃包住", ("lodging", "meals")),
    ("提供食宿", ("lodging", "meals")),
    ("包食宿", ("lodging", "meals")),
    ("包吃住", ("lodging", "meals")),
    ("提供住宿", ("lodging",)),
    ("包住宿", ("lodging",)),
    ("包住", ("lodging",)),
    ("包宿", ("lodging",)),
    ("包三餐", ("meals",)),
    ("包吃", ("meals",)),
    ("包餐", ("meals",)),
    ("五险一金", ("social_insurance",)),
    ("买社保", ("social_insurance",)),
    ("交社保", ("social_insurance",)),
    ("五险", ("social_insurance",)),
    ("社保", ("social_insurance",)),
    ("免费培训", ("free_or_subsidised",)),
    ("免费", ("free_or_subsidised",)),
)
# Padding that every job or course would "contain": searched as text it only loses results.
_NOISE = ("找工作", "求职", "招工", "招聘", "急招", "招人", "高薪", "工作", "岗位", "职位")
_WORDS = re.compile("|".join(re.escape(w) for w, _ in _FILTER_WORDS) + "|" + "|".join(map(re.escape, _NOISE)))
_FLAGS = dict(_FILTER_WORDS)


def understand(query: SearchQuery) -> SearchQuery:
    text = normalise(query.text)
    if not text:
        return query
    flags: set[str] = set()
    kept: list[str] = []
    last = 0
    for found in _WORDS.finditer(text):
        word = found.group()
        negated = word in _FLAGS and text[max(0, found.start() - 1) : found.start()] == "不"
        kept.append(text[last : found.start() - negated])
        last = found.end()
        if not negated:  # 不包住 asks for nothing we can filter on: dropped, not inverted
            for flag in _FLAGS.get(word, ()):
                flags.add(flag)
    kept.append(text[last:])
    rest = " ".join(" ".join(kept).split())
    if rest == text and not flags:
        return query
    return replace(
        query,
        text=rest,
        lodging=query.lodging or "lodging" in flags,
        meals=query.meals or "meals" in flags,
        social_insurance=query.social_insurance or "social_insurance" in flags,
        free_or_subsidised=query.free_or_subsidised or "free_or_subsidised" in flags,
    )
