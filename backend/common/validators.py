"""Validators for Chinese identifiers: resident ID number, unified social credit code, mobile.

Each raises django.core.exceptions.ValidationError with a translatable message (the Chinese text is
the msgid) and an English code,
so model forms, DRF serializers and services report them the same way.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def id_number_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> None:
    """18-character 居民身份证号码 (GB 11643): format, birth date and ISO 7064 check digit."""
    number = normalise_id_number(value)
    if not _ID_RE.match(number):
        raise ValidationError(_("身份证号码应为18位,最后一位可以是数字或X。"), code="id_number_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_number_birth_date") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_number_birth_date")
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确,请核对。"), code="id_number_checksum")


def mask_id_number(value: str) -> str:
    """Keep the first 4 (province+city) and last 4 characters: 4401**********123X."""
    number = normalise_id_number(value)
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """18-character 统一社会信用代码 (GB 32100-2015) including its check character."""
    code = normalise_credit_code(value)
    if not _CREDIT_RE.match(code):
        raise ValidationError(
            _("统一社会信用代码应为18位数字或大写字母(不含I、O、S、V、Z)。"), code="credit_code_format"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确,请核对。"), code="credit_code_checksum")


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mobile(value: str) -> None:
    """Mainland mobile number: 11 digits starting 13-19 (a +86 prefix is accepted)."""
    if not _MOBILE_RE.match(normalise_mobile(value)):
        raise ValidationError(_("手机号码应为11位,以13至19开头。"), code="mobile_format")


def mask_mobile(value: str) -> str:
    number = normalise_mobile(value)
    return number[:3] + "****" + number[-4:] if len(number) == 11 else "*" * len(number)
