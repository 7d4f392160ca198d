"""Turn one cell into a Python value for its column type, or raise CellError (code + Chinese message).

Cells come from openpyxl (str, int, float, bool, date, datetime), csv (str) or JSON (str, int,
float, bool, list, null). Blank cells are handled by the caller; these functions see a value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .schemas import CHOICE_SYNONYMS, LEVEL_WORDS

LIST_SPLIT = re.compile(r"[、,;|，；｜\n]+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = {"是", "y", "yes", "1", "true", "t", "有", "√", "✓"}
_FALSE = {"否", "n", "no", "0", "false", "f", "无", "没有", "×"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


class CellError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_blank(v) for v in value)
    return False


def as_text(value: Any) -> str:
    """Text of a cell; whole-number floats lose their `.0` (Excel stores 13800138000 as a float)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        raise CellError("invalid", _("此处应为文本,不能是列表或对象。"))
    text = str(value).strip()
    if "\x00" in text:  # PostgreSQL text cannot hold NUL; say so per cell instead of failing the file
        raise CellError("invalid_characters", _("含有不允许的字符(NUL)。"))
    return text


def as_list(value: Any) -> list[str]:
    """Several values: a JSON array, or text separated by 、,;| (half- or full-width) or newlines."""
    items = value if isinstance(value, list | tuple) else LIST_SPLIT.split(as_text(value))
    out: list[str] = []
    for item in items:
        text = as_text(item) if not isinstance(item, str) else item.strip()
        if text and text not in out:
            out.append(text)
    return out


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("invalid_number", _("应填写整数。"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError("invalid_number", _("应填写整数,不能有小数。"))
    text = _number_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("invalid_number", _("应填写整数。")) from None
    if number != number.to_integral_value():
        raise CellError("invalid_number", _("应填写整数,不能有小数。"))
    return int(number)


def as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("invalid_number", _("应填写数字。"))
    if isinstance(value, int | float):
        return Decimal(str(value))
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        raise CellError("invalid_number", _("应填写数字。")) from None
    if not number.is_finite():
        raise CellError("invalid_number", _("应填写数字。"))
    return number


def as_float(value: Any) -> float:
    if isinstance(value, bool):
        raise CellError("invalid_number", _("应填写数字。"))
    if isinstance(value, int | float):
        return float(value)
    try:
        number = float(_number_text(value))
    except ValueError:
        raise CellError("invalid_number", _("应填写数字。")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError("invalid_number", _("应填写数字。"))
    return number


def _number_text(value: Any) -> str:
    text = unicodedata.normalize("NFKC", as_text(value)).replace(",", "").replace(" ", "")
    return text.removesuffix("元").removesuffix("小时").removesuffix("公里")


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = unicodedata.normalize("NFKC", as_text(value)).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("invalid_boolean", _("应填写“是”或“否”(也可填Y/N、1/0、true/false)。"))


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(value)
    text = unicodedata.normalize("NFKC", as_text(value))
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _excel_serial(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise CellError("invalid_date", _("日期「{text}」不存在。").format(text=text)) from None
    raise CellError("invalid_date", _("日期格式应为YYYY-MM-DD或YYYY/M/D。"))


def _excel_serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:  # Excel's own range: 1900-01-01 .. 9999-12-31
        raise CellError("invalid_date", _("日期格式应为YYYY-MM-DD或YYYY/M/D。"))
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


class ChoiceIndex:
    """Accepts a choice's value, its Chinese label, each /-separated part of the label, synonyms."""

    def __init__(self, choices: type[models.Choices]) -> None:
        self.labels = [str(label) for label in choices.labels]
        self.map: dict[str, Any] = {}
        for value, label in zip(choices.values, choices.labels, strict=True):
            if value == "":
                continue
            for word in (str(value), str(label), *str(label).split("/")):
                self.map.setdefault(_choice_key(word), value)
        values = set(choices.values)
        for word, value in CHOICE_SYNONYMS.items():
            if value in values:
                self.map.setdefault(_choice_key(word), value)

    def resolve(self, value: Any) -> Any:
        found = self.map.get(_choice_key(as_text(value)))
        if found is None:
            allowed = "、".join(label for label in self.labels if label != "未填写")
            raise CellError(
                "invalid_choice",
                _("「{value}」不是有效选项,可选:{allowed}。").format(value=as_text(value), allowed=allowed),
            )
        return found


def _choice_key(word: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", word)).casefold()


def as_level(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        key = str(int(value))
    else:
        key = _choice_key(as_text(value))
    level = LEVEL_WORDS.get(key)
    if level is None:
        raise CellError("invalid_choice", _("证书等级应为五级、四级、三级、二级、一级(或初级工、中级工等)。"))
    return level


def split_certificate(item: str) -> tuple[str, str]:
    """'中式烹调师职业技能等级证书:五级' -> (name, level text); level may be ''."""
    parts = re.split(r"[:：]", item, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
