"""Tables as .xlsx downloads (openpyxl), for staff who report upward in spreadsheets.

Rows go through backend.common.spreadsheet: text beginning with = + - @ (or a tab/CR) is written
as text that Excel does not evaluate (formula injection)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from backend.common.spreadsheet import xlsx_append

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *, filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """One sheet: a bold header row, then the rows as given (numbers stay numbers)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]  # Excel's limit
    xlsx_append(ws, [str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(ws, row)
    for column in ws.columns:
        letter = column[0].column_letter
        ws.column_dimensions[letter].width = max(10, *(len(str(c.value or "")) * 2 for c in column))
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
