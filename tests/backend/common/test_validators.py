import pytest
from django.core.exceptions import ValidationError

from backend.common import crypto
from backend.common.validators import (
    credit_code_check_char,
    id_number_check_char,
    mask_id_number,
    mask_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", "440524200001010013"])
def test_valid_id_numbers(number):
    validate_id_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_number_checksum"),
        ("11010519491231002", "id_number_format"),
        ("1101051949123100XX", "id_number_format"),
        ("110105194913310020", "id_number_birth_date"),  # month 13
        ("110105299901010020", "id_number_birth_date"),  # in the future
        ("", "id_number_format"),
        ("１１０１０５１９４９１２３１００２Ｘ", "id_number_format"),  # full-width digits
    ],
)
def test_invalid_id_numbers_name_the_reason(number, code):
    with pytest.raises(ValidationError) as info:
        validate_id_number(number)
    assert info.value.code == code


def test_id_check_digit_matches_the_standard_example():
    assert id_number_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91440300MA5ETPKG7X"[:17] + credit_code_check_char("91440300MA5ETPKG7")]
)
def test_valid_credit_codes(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "credit_code_checksum"),
        ("91350100M000100Y4", "credit_code_format"),
        ("91350100M000100I43", "credit_code_format"),  # I is not in the alphabet
        ("", "credit_code_format"),
    ],
)
def test_invalid_credit_codes(code, reason):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == reason


@pytest.mark.parametrize("mobile", ["13812345678", "+86 138-1234-5678", "19912345678"])
def test_valid_mobiles(mobile):
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "138123456789", "abc", ""])
def test_invalid_mobiles(mobile):
    with pytest.raises(ValidationError) as info:
        validate_mobile(mobile)
    assert info.value.code == "mobile_format"


def test_masks_keep_only_what_identifies_the_region():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_mobile("13812345678") == "138****5678"


def test_encryption_round_trip_and_blind_index_is_stable(settings):
    token = crypto.encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert crypto.decrypt(token) == "11010519491231002X"
    assert crypto.blind_index("a") == crypto.blind_index("a") != crypto.blind_index("b")
