"""The words of the demo rows: street addresses, program titles and descriptions, posting titles
and descriptions.

Plain functions of their inputs (and, where a word is drawn, of the caller's `random.Random`),
shared by the demo generator and the matching evaluation set (matching/evaluation/build_set.py),
so both write the same kind of text from the same curated lists.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from .catalogue import Cert, Occ, Place

LEVEL_LABEL = {5: "初级工", 4: "中级工", 3: "高级工", 2: "技师", 1: "高级技师"}
URGENT_PREFIXES = ("急招", "诚聘", "长期招聘")


def address(rng: random.Random, place: Place, *, roads: Sequence[str], parks: Sequence[str] = ()) -> str:
    """清远市英德市人民路12号, or inside a park: 东莞市东莞科技园兴华路33号."""
    road = rng.choice(roads)
    if parks and rng.random() < 0.7:
        return f"{place.full_name}{place.short}{rng.choice(parks)}{road}{rng.randint(1, 88)}号"
    return f"{place.full_name}{road}{rng.randint(1, 399)}号"


# --- programs ---------------------------------------------------------------------------------
def course_variant(occ: Occ, variants: Mapping[str, Any]) -> str | None:
    """The 马兰花 course (SYB, GYB, IYB, 网络创业) an occupation stands for, if any."""
    for key in variants:
        if key in occ.name or key in occ.aliases:
            return key
    return None


def program_title(
    rng: random.Random,
    *,
    titles: Sequence[str],
    licence_titles: Sequence[str],
    occ: Occ,
    venue: Place,
    certificate: Cert | None,
    level: int | None,
    variant_label: str | None,
) -> str:
    """A licence course is named after its licence (`licence_titles`); any other after the
    occupation, level and place with one of its brand's `titles` (a 马兰花 one after its variant)."""
    if certificate is not None and certificate.kind == "special_operation":
        return rng.choice(licence_titles).format(cert=certificate.name, place=venue.short)
    title = rng.choice(titles).format(
        occ=occ.name,
        level=LEVEL_LABEL.get(level or 0, ""),
        place=venue.short,
        variant=variant_label or occ.name,
    )
    return title.replace("()", "")


def award_line(certificate: Cert | None, level: int | None) -> str:
    """What passing the course gives: 考核合格颁发电工职业技能等级证书(中级工)。"""
    if certificate is None:
        return "结业颁发培训结业证明。"
    return f"考核合格颁发{certificate.name}" + (f"({LEVEL_LABEL[level]})" if level else "") + "。"


def program_description(delivery_text: str, skill_names: Sequence[str], award: str) -> str:
    return f"{delivery_text}。主要内容:{'、'.join(skill_names)}。{award}"


# --- postings -----------------------------------------------------------------------------------
def posting_title(rng: random.Random, occ: Occ) -> str:
    """One of the occupation's job titles, now and then with 急招 / 诚聘 / 长期招聘 in front."""
    title = rng.choice(occ.titles) if occ.titles else occ.name
    if rng.random() < 0.12:
        title = rng.choice(URGENT_PREFIXES) + title
    return title


def pay_text(*, monthly: bool, wage_min: int | None, wage_max: int | None, rate: Any, rate_unit: str) -> str:
    """4500-6000元/月, or 0.8元/件,综合月收入5000-7000元 for piece and day rates."""
    if monthly:
        return f"{wage_min}-{wage_max}元/月"
    return f"{rate}元/{rate_unit}" + (f",综合月收入{wage_min}-{wage_max}元" if wage_min else "")


def benefit_texts(*, lodging: bool, meals: bool, insurance: bool, couple_rooms: bool) -> list[str]:
    return [
        text
        for flag, text in (
            (lodging and meals, "包吃住"),
            (lodging and not meals, "包住"),
            (meals and not lodging, "包吃"),
            (insurance, "购买五险"),
            (couple_rooms, "有夫妻房"),
        )
        if flag
    ]


def posting_description(
    *,
    title: str,
    headcount: int,
    place: Place,
    skill_names: Sequence[str],
    certificate: Cert | None,
    pay: str,
    benefits: Sequence[str],
    shifts_label: str,
) -> str:
    """招聘焊工3名,工作地点…。岗位要求:熟悉…;须持…。待遇:…;包吃住;两班倒。"""
    return (
        f"招聘{title}{headcount}名,工作地点{place.full_name}。岗位要求:熟悉{'、'.join(skill_names)}"
        + (f";须持{certificate.name}" if certificate else "")
        + f"。待遇:{pay}"
        + (";" + "、".join(benefits) if benefits else "")
        + f";{shifts_label}。"
    )
