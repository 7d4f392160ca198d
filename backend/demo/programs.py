"""A training program's hours and fee, drawn from its brand's spec (training.yaml `brands`).

Shared by the demo generator and the matching evaluation set (matching/evaluation/build_set.py);
each function draws from the caller's `random.Random`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


def course_hours(rng: random.Random, hours: Sequence[int], level: int | None) -> int:
    """Hours in the (low, high) range, longer for 四级 (x1.3) and above (x1.6), to 4 hours."""
    low, high = hours
    drawn = rng.randint(low, high)
    if level is not None and level <= 4:
        drawn = int(drawn * (1.3 if level == 4 else 1.6))
    return max(8, min(2000, round(drawn / 4) * 4))


@dataclass(frozen=True)
class ProgramFee:
    is_free: bool
    is_subsidised: bool
    fee: int  # yuan, to 50
    eligibility: Sequence[str]  # texts to choose from, with a {fee} field


def program_fee(
    rng: random.Random,
    brand_spec: Mapping[str, Any],
    eligibility: Mapping[str, Sequence[str]],
    *,
    malanhua: bool,
) -> ProgramFee:
    """Free, subsidised or paid by the brand's shares (`free`, `subsidised`, the rest paid in
    its `fee` range), with the eligibility texts that go with it (马兰花 has texts of its own)."""
    roll = rng.random()
    fee_low, fee_high = brand_spec["fee"]
    if roll < brand_spec["free"] or fee_high <= 0:
        return ProgramFee(True, False, 0, eligibility["malanhua" if malanhua else "free"])
    fee = round(rng.randint(fee_low, fee_high) / 50) * 50
    if roll < brand_spec["free"] + brand_spec["subsidised"]:
        return ProgramFee(False, True, fee, eligibility["subsidised"])
    return ProgramFee(False, False, fee, eligibility["paid"])
