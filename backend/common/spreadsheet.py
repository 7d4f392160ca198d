"""Cells for exported spreadsheets (.xlsx and .csv), so text that came from users is never run.

Formula injection ("CSV injection", OWASP): a cell beginning with = + - @, a tab or a carriage
return is taken by Excel, WPS and LibreOffice as the start of a formula (=HYPERLINK(...), a DDE
call), so an imported or typed value such as `=cmd|' /c calc'!A1` would run when staff open an
export. Every writer of an export goes through this module:

- CSV: OWASP's recommendation, a leading apostrophe (') before such a cell; the csv module
  quotes any cell holding a separator or quote, so the cell cannot break out of its field.
  Spreadsheets show the text without the apostrophe.
- XLSX: the value is kept as it is, written as a string cell (never a formula cell: openpyxl
  would make `=...` one) with the `quotePrefix` style, which is how Excel itself stores text
  typed with a leading apostrophe: it shows the text, and editing the cell keeps it text.

Only text is changed: numbers, dates and booleans are written as they are (-5 stays a number).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """The value for csv.writer: text that a spreadsheet would evaluate gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def xlsx_append(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet; text that a spreadsheet would evaluate is a string
    cell with the quotePrefix style."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
