"""Open an .xlsx for streaming without openpyxl's size scan of every sheet.

openpyxl's read-only mode gives each sheet the size its <dimension> element states; a sheet
without one (write-only writers, some generators, a hostile file) is parsed to its end at open,
once per sheet, before a single row is read: a 200,000-row sheet of formatted empty cells took
5 s here just to open. The reader ignores the stated size anyway (it reads the rows the sheet
holds and stops at a run of blank rows), so the sheets are opened unsized.

Built on openpyxl 3.1's ExcelReader (pinned in requirements.txt); tests/backend/imports covers it.
"""

from __future__ import annotations

from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet


class UnsizedWorksheet(ReadOnlyWorksheet):
    """A read-only sheet that does not read its <dimension> (rows are read as the XML has them)."""

    def _get_size(self) -> None:
        pass


class StreamingReader(ExcelReader):  # type: ignore[misc]
    """ExcelReader for read_only=True whose worksheets are UnsizedWorksheet (chart sheets skipped)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            ws = UnsizedWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def open_workbook(source: Any) -> Workbook:
    """The workbook in read-only, values-only mode, its sheets unsized; close() it when done."""
    reader = StreamingReader(source, read_only=True, data_only=True)
    reader.read()
    return reader.wb
