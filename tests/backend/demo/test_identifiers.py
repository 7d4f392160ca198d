import datetime as dt
import random

import pytest

from backend.common.validators import validate_credit_code, validate_id_number, validate_mobile
from backend.demo import identifiers
from backend.demo.generator import DemoSizes


def test_credit_codes_pass_the_validator():
    rng = random.Random(1)
    for category in ("91", "92", "93"):
        for _ in range(300):
            code = identifiers.credit_code(rng, division_code="441881", category=category)
            validate_credit_code(code)
            assert code.startswith(category + "441881")


def test_id_numbers_pass_the_validator_and_encode_place_birth_and_gender():
    rng = random.Random(2)
    for i in range(500):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i * 37)
        male = i % 2 == 0
        number = identifiers.id_number(rng, division_code="452226", birth=birth, male=male)
        validate_id_number(number)
        assert number[:6] == "452226"
        assert number[6:14] == f"{birth:%Y%m%d}"
        assert int(number[16]) % 2 == (1 if male else 0)


def test_mobiles_pass_the_validator():
    rng = random.Random(3)
    for _ in range(300):
        validate_mobile(identifiers.mobile(rng))


def test_same_random_state_gives_same_identifiers():
    a, b = random.Random(9), random.Random(9)
    assert [identifiers.credit_code(a, division_code="441900") for _ in range(5)] == [
        identifiers.credit_code(b, division_code="441900") for _ in range(5)
    ]


def test_scale_reaches_the_issue_figures():
    assert DemoSizes.for_scale(1) == DemoSizes(
        programs=300, postings=5000, workers=2500, providers=60, employers=625
    )
    big = DemoSizes.for_scale(40)
    assert (big.programs, big.postings, big.workers) == (12_000, 200_000, 100_000)
    small = DemoSizes.for_scale(0.02)
    assert (small.programs, small.postings, small.workers) == (10, 100, 50)
    assert DemoSizes.for_scale(1, postings=7).postings == 7
    with pytest.raises(ValueError, match="scale"):
        DemoSizes.for_scale(0)
