"""Valid-looking identifiers for demo rows: 统一社会信用代码, 身份证号, mobile numbers.

Every value is built from a `random.Random` the caller owns, so a seed fixes the output; the
check characters are computed with the project's own validators' functions.
"""

from __future__ import annotations

import datetime as dt
import random

from backend.common.validators import credit_code_check_char, id_number_check_char

_ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the credit-code alphabet (no I O S V Z)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


def _org_code_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organisation_code(rng: random.Random) -> str:
    """A 9-character 组织机构代码 (GB 11714): 8 characters and its check character."""
    body = "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
        rng.choice(_ORG_CODE_ALPHABET) for _ in range(2)
    )
    check = 11 - sum(_org_code_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng: random.Random, *, division_code: str, category: str = "91") -> str:
    """统一社会信用代码: 登记管理部门+机构类别 (91 企业, 92 个体工商户, 93 农民专业合作社),
    the 6-digit division code, the 组织机构代码 and the GB 32100 check character."""
    first17 = category + division_code + organisation_code(rng)
    return first17 + credit_code_check_char(first17)


def id_number(rng: random.Random, *, division_code: str, birth: dt.date, male: bool) -> str:
    """居民身份证号码: division, birth date, a sequence whose last digit is odd for men and even
    for women, and the ISO 7064 check digit."""
    sequence = rng.randrange(0, 50) * 2 + (1 if male else 0)  # 0..99, parity = gender
    first17 = f"{division_code}{birth:%Y%m%d}{rng.randrange(0, 10)}{sequence:02d}"
    return first17 + id_number_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def landline(rng: random.Random, *, area_code: str) -> str:
    digits = 8 if len(area_code) <= 3 or area_code in {"0755", "0757", "0769", "0760"} else 7
    first = str(rng.randrange(2, 9))
    return f"{area_code}-{first}{rng.randrange(0, 10 ** (digits - 1)):0{digits - 1}d}"
