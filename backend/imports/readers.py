"""Read an uploaded table (.xlsx, .csv, .jsonl) into numbered rows of {header: value}.

- xlsx: the first worksheet, streamed with openpyxl's read-only mode (the workbook is never held
  in memory whole); row 1 is the header, data rows are numbered as Excel shows them.
- csv: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030 (what Excel on a Chinese
  Windows saves); comma, tab or semicolon separated; record numbers as a spreadsheet shows them.
- jsonl: one JSON object per line; the keys are the headers; rows are numbered by line.

Every limit (limits.py) is checked before parsing where the file can tell it (size, the xlsx zip's
directory and sheets, line length) and while the rows stream (rows, columns): the read stops at
the limit. A long run of blank rows (formatted empty rows, or a sheet whose size claims a million
rows) ends the table without reading on; the table's `notices` say where.

Readers only read: they know nothing of the columns a kind expects. Problems with the whole
file raise FileRejected; a bad jsonl line becomes a row problem (`RawRow.error`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils.translation import gettext as _

from backend.common.json_depth import json_nesting_exceeds

from .limits import FileRejected, Limits, check_xlsx_archive, import_limits, too_large

__all__ = ["FileRejected", "RawRow", "Table", "check_file", "detect_format", "read_table"]

FORMATS = {".xlsx": "xlsx", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
PROGRESS_EVERY = 500  # rows between two progress reports while reading

Source = str | os.PathLike[str] | IO[bytes] | Any
# Called with the number of data rows read so far.
OnRows = Callable[[int], None]


@dataclass
class RawRow:
    number: int  # the row number a user sees (header = 1) or the jsonl line number
    cells: dict[str, Any]
    error: tuple[str, str] | None = None  # (code, message) when the row itself could not be read


@dataclass
class Table:
    format: str
    headers: list[str]  # as written in the file, stripped, in file order
    rows: list[RawRow] = field(default_factory=list)
    unlabelled_data: bool = False  # some cell has a value under a blank header
    notices: list[str] = field(default_factory=list)  # what the reader did that the user should know


def detect_format(filename: str) -> str:
    ext = Path(filename or "").suffix.lower()
    if ext in FORMATS:
        return FORMATS[ext]
    if ext in (".xls", ".et", ".numbers", ".ods"):
        raise FileRejected(
            "unsupported_format", _("不支持{ext}文件,请另存为.xlsx或.csv后再导入。").format(ext=ext)
        )
    raise FileRejected("unsupported_format", _("只支持.xlsx、.csv和.jsonl文件。"))


def check_file(source: Source, *, filename: str = "", limits: Limits | None = None) -> str:
    """The checks that need no parsing (format, size, an .xlsx's zip directory and sheet count):
    raise FileRejected, else return the format. Milliseconds, whatever the file holds."""
    limits = limits or import_limits()
    fmt = detect_format(filename or _source_name(source))
    size = _source_size(source)
    if size is not None and size > limits.file_bytes:
        raise too_large(size, limits.file_bytes)
    if size == 0:
        raise FileRejected("empty_file", _("文件是空的。"))
    if fmt == "xlsx":
        check_xlsx_archive(source, limits)
    return fmt


def read_table(
    source: Source,
    *,
    filename: str = "",
    row_limit: int | None = None,
    on_rows: OnRows | None = None,
) -> Table:
    """Read the whole table (at most `row_limit` data rows, else the IMPORT_MAX_ROWS setting)
    or raise FileRejected."""
    limits = import_limits()
    if row_limit is not None:
        limits = dataclasses.replace(limits, rows=row_limit)
    fmt = check_file(source, filename=filename, limits=limits)
    report = on_rows or (lambda count: None)
    if fmt == "xlsx":
        return _read_xlsx(source, limits, report)
    text = decode_text(_read_bytes(source, limits.file_bytes))
    _check_lines(text, limits)
    if fmt == "csv":
        return _read_csv(text, limits, report)
    return _read_jsonl(text, limits, report)


# --- sources --------------------------------------------------------------------------------
def _source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "") or "")


def _source_size(source: Source) -> int | None:
    if isinstance(source, str | os.PathLike):
        try:
            return os.path.getsize(source)
        except OSError:
            raise FileRejected("file_not_found", _("找不到文件。")) from None
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = source.tell()
        source.seek(0, io.SEEK_END)
        end = source.tell()
        source.seek(position)
        return end - position
    except (AttributeError, OSError, ValueError):
        return None


def _read_bytes(source: Source, cap: int) -> bytes:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            data = handle.read(cap + 1)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(cap + 1)
    if len(data) > cap:
        raise too_large(len(data), cap)
    if not data:
        raise FileRejected("empty_file", _("文件是空的。"))
    return data


def _too_many_rows(limit: int) -> FileRejected:
    return FileRejected(
        "too_many_rows", _("数据行数超过上限{limit}行,请拆分为多个文件导入。").format(limit=limit)
    )


def _clean_header(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("\ufeff", "").strip()
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _all_blank(values: Sequence[Any]) -> bool:
    # count(None) runs in C on identity: a formatted empty row of 16,384 cells is not a Python loop.
    return values.count(None) == len(values) or all(_blank(v) for v in values if v is not None)


# --- xlsx -----------------------------------------------------------------------------------
def _read_xlsx(source: Source, limits: Limits, report: OnRows) -> Table:
    from .xlsx import open_workbook

    if not isinstance(source, str | os.PathLike) and hasattr(source, "seek"):
        source.seek(0)
    # BadZipFile also covers a part longer than its directory entry said (zipfile checks the CRC);
    # ValueError covers defusedxml's refusal of DTDs and entities.
    unreadable = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, ParseError, EOFError)
    try:
        workbook = open_workbook(source)
    except unreadable as exc:
        raise FileRejected("invalid_file", _("无法读取该.xlsx文件,请确认文件未损坏。")) from exc
    try:
        if not workbook.worksheets:
            raise FileRejected("empty_file", _("工作簿中没有工作表。"))
        # Unsized (xlsx.py): the rows the sheet holds are read, not the size it claims (wrong in
        # some writers; a claimed A1:XFD1048576 would make openpyxl pad every row and every gap).
        sheet = workbook.worksheets[0]
        try:
            return _tabulate("xlsx", sheet.iter_rows(values_only=True), limits, report)
        except unreadable as exc:
            raise FileRejected("invalid_file", _("无法读取该.xlsx文件,请确认文件未损坏。")) from exc
    finally:
        workbook.close()


def _tabulate(fmt: str, rows: Iterator[Sequence[Any]], limits: Limits, report: OnRows) -> Table:
    """A sheet's rows (xlsx or csv) as a Table: row 1 names the columns, blank rows are skipped,
    numbers are the spreadsheet's own row numbers. Stops at the row limit (refused) and after
    `blank_rows_end` blank rows in a row (the table ends there; a notice says so)."""
    header_row = next(rows, None)
    if header_row is None or _all_blank(header_row):
        raise FileRejected("missing_header", _("第1行应为表头(列名)。"))
    _check_width(header_row, 1, limits)
    headers = [_clean_header(v) for v in header_row[: limits.columns]]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(fmt, headers)
    blank_run = blank_total = 0
    for number, raw in enumerate(rows, start=2):
        if _all_blank(raw):
            blank_run += 1
            blank_total += 1
            if blank_run >= limits.blank_rows_end:
                table.notices.append(_blank_run_notice(number - blank_run + 1, number))
                break
            if blank_total > limits.rows:
                raise FileRejected(
                    "too_many_blank_rows",
                    _("表格中的空行超过{limit}行(读到第{row}行),请删除空行后再导入。").format(
                        limit=limits.rows, row=number
                    ),
                )
            continue
        blank_run = 0
        if len(table.rows) >= limits.rows:
            raise _too_many_rows(limits.rows)
        _check_width(raw, number, limits)
        table.rows.append(RawRow(number, _cells(headers, raw[: limits.columns], table)))
        if len(table.rows) % PROGRESS_EVERY == 0:
            report(len(table.rows))
    report(len(table.rows))
    return table


def _check_width(raw: Sequence[Any], number: int, limits: Limits) -> None:
    """Refuse a row with a value beyond the column limit (formatted empty cells there are fine)."""
    extra = raw[limits.columns :]
    if extra and not _all_blank(extra):
        column = limits.columns + next(i for i, v in enumerate(extra) if not _blank(v)) + 1
        raise FileRejected(
            "too_many_columns",
            _("第{row}行第{column}列有内容,超过了列数上限{limit}列;请删除多余的列后再导入。").format(
                row=number, column=column, limit=limits.columns
            ),
        )


def _blank_run_notice(first: int, last: int) -> str:
    return _(
        "第{first}行至第{last}行都是空行,已停止读取:表格到第{end}行为止,其后的行没有读取"
        "(通常是带格式的空行);如果后面还有数据,请删除中间的空行后重新导入。"
    ).format(first=first, last=last, end=first - 1)


def _cells(headers: list[str], raw: Sequence[Any], table: Table) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for index, value in enumerate(raw):
        header = headers[index] if index < len(headers) else ""
        if not header:
            if not _blank(value):
                table.unlabelled_data = True
            continue
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            value = value.date()
        cells[header] = value
    return cells


# --- csv and jsonl --------------------------------------------------------------------------
def decode_text(data: bytes) -> str:
    """UTF-8 (BOM optional), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    encodings = ("utf-16", "utf-8-sig", "gb18030") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ()
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # NULs: a binary file, or UTF-32 read as UTF-16
            return text
    raise FileRejected("encoding", _("无法识别文件编码,请保存为UTF-8或GBK编码的文本文件。"))


def _check_lines(text: str, limits: Limits) -> None:
    """Refuse a text file with a line longer than any table row (before the csv module sees it)."""
    lengths = list(map(len, text.split("\n")))
    longest = max(lengths)
    if longest > limits.line_chars:
        raise FileRejected(
            "line_too_long",
            _("第{line}行有{length}个字符,超过每行上限{limit}个字符,请确认这是一个表格文件。").format(
                line=lengths.index(longest) + 1, length=longest, limit=limits.line_chars
            ),
        )


def _read_csv(text: str, limits: Limits, report: OnRows) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        if "\t" in first_line:
            delimiter = "\t"
        elif ";" in first_line:
            delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _tabulate("csv", reader, limits, report)
    except csv.Error as exc:
        raise FileRejected("invalid_file", _("CSV格式有误:{error}").format(error=exc)) from exc


def _read_jsonl(text: str, limits: Limits, report: OnRows) -> Table:
    headers: dict[str, None] = {}
    rows: list[RawRow] = []
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        if len(rows) >= limits.rows:
            raise _too_many_rows(limits.rows)
        if len(rows) % PROGRESS_EVERY == 0:
            report(len(rows))
        try:
            # Checked first: the decoder recurses per level (a RecursionError deep in C code).
            if json_nesting_exceeds(line, limit=settings.SKILLBRIDGE_JSON_MAX_DEPTH):
                raise RecursionError
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else _("嵌套过深")
            rows.append(
                RawRow(number, {}, ("invalid_json", _("该行不是有效的JSON:{error}。").format(error=reason)))
            )
            continue
        if not isinstance(record, dict):
            rows.append(RawRow(number, {}, ("invalid_json", _("每行应为一个JSON对象({...})。"))))
            continue
        cells = {}
        for key, value in record.items():
            header = _clean_header(key)
            if not header:
                continue
            headers.setdefault(header, None)
            cells[header] = value.strip() if isinstance(value, str) else value
        if len(headers) > limits.columns:
            raise FileRejected(
                "too_many_columns",
                _("到第{row}行为止共有{count}个不同的字段,超过了列数上限{limit}列。").format(
                    row=number, count=len(headers), limit=limits.columns
                ),
            )
        rows.append(RawRow(number, cells))
    if not rows:
        raise FileRejected("no_rows", _("文件中没有数据行。"))
    report(len(rows))
    return Table("jsonl", list(headers), rows)


def _lines(text: str) -> Iterator[str]:
    # Physical lines only: str.splitlines() would also split on U+2028 inside JSON strings.
    yield from text.split("\n")
