"""A worker's copy of their data (privacy.worker_data) as a JSON or an .xlsx file."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from backend.common.spreadsheet import xlsx_append

from .privacy import SECTIONS

JSON_TYPE = "application/json; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _append(ws: Any, row: list[Any]) -> None:
    xlsx_append(ws, [_cell(v) for v in row])  # text starting with = + - @ stays text


def as_xlsx(data: dict[str, Any]) -> bytes:
    """One sheet per section: the profile as field/value pairs, the others as tables."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for key, title in SECTIONS.items():
        ws = book.create_sheet(title)
        section = data[key]
        rows = list(section.items()) if isinstance(section, dict) else section
        if isinstance(section, dict):
            _append(ws, ["field", "value"])
            for name, value in rows:
                _append(ws, [name, value])
        else:
            headers = list(rows[0]) if rows else []
            _append(ws, headers)
            for row in rows:
                _append(ws, [row[h] for h in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
