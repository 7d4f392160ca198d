"""Hostile .xlsx files, built in tmp_path for each test (never committed): what issue 16 found."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

PROGRAM_HEADER = ["外部编号", "机构编号", "项目名称", "职业", "区县代码", "课时", "免费"]
PROGRAM_ROW = ["prog-1", "prov-yd-001", "电工培训", "电工", "441881", 60, "是"]
SHEET = "xl/worksheets/sheet1.xml"


def workbook_file(path: Path, rows: list[list[object]] | None = None, *, sheets: int = 1) -> Path:
    """An ordinary workbook: the program header, `rows`, and `sheets` worksheets in all."""
    book = Workbook()
    sheet = book.active
    for row in (PROGRAM_HEADER, *(rows if rows is not None else [PROGRAM_ROW])):
        sheet.append(row)
    for number in range(2, sheets + 1):
        book.create_sheet(f"Sheet{number}")
    book.save(path)
    return path


def zip_bomb_xlsx(path: Path, *, unpacked_mb: int = 20) -> Path:
    """A valid workbook whose first sheet is padded (XML whitespace between rows) to `unpacked_mb`
    MB: a few tens of KB on disk, compressed about 1000:1."""
    workbook_file(path.with_suffix(".plain.xlsx"))
    with zipfile.ZipFile(path.with_suffix(".plain.xlsx")) as plain:
        parts = {info.filename: plain.read(info) for info in plain.infolist()}
    head, tail = parts[SHEET].split(b"</row>", 1)
    padding = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for name, data in parts.items():
            if name != SHEET:
                bomb.writestr(name, data)
        with bomb.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(head + b"</row>")
            for _ in range(unpacked_mb):
                sheet.write(padding)
            sheet.write(tail)
    return path


def blank_formatted_rows_xlsx(path: Path, *, rows: int = 200_000) -> Path:
    """The finding's file: a header, one good row, then `rows` formatted empty rows (a fill on three
    cells each, no value), written by openpyxl's write-only mode, which states no sheet size. About
    0.9 MB at 200,000 rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(PROGRAM_HEADER)
    sheet.append(PROGRAM_ROW)
    cell = WriteOnlyCell(sheet)
    cell.fill = PatternFill("solid", fgColor="FFFF00")
    blank = [cell]
    for _ in range(rows):
        sheet.append(blank)
    book.save(path)
    return path


def wide_blank_rows_xlsx(path: Path, *, rows: int = 3_000) -> Path:
    """Formatted empty cells out to column XFD (16,384) on every row below one good row, so every
    row openpyxl pads is 16,384 cells wide, and a stated size of A1:XFD<rows>."""
    book = Workbook()
    sheet = book.active
    sheet.append(PROGRAM_HEADER)
    sheet.append(PROGRAM_ROW)
    fill = PatternFill("solid", fgColor="FFFF00")
    for number in range(3, rows + 3):
        sheet.cell(row=number, column=16_384).fill = fill
    book.save(path)
    return path


def claimed_million_rows_xlsx(path: Path) -> Path:
    """One good row, and a lone formatted cell in the sheet's last row (1,048,576): the sheet states
    A1:G1048576, and openpyxl yields a padding row for every missing row in between."""
    book = Workbook()
    sheet = book.active
    sheet.append(PROGRAM_HEADER)
    sheet.append(PROGRAM_ROW)
    sheet.cell(row=1_048_576, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    book.save(path)
    return path
