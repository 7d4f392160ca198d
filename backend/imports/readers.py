"""Read an uploaded table (.xlsx, .csv, .jsonl) into numbered rows of {header: value}.

- xlsx: the first worksheet, streamed with openpyxl's read-only mode (the workbook is never held
  in memory whole); row 1 is the header, data rows are numbered as Excel shows them.
- csv: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030 (what Excel on a Chinese
  Windows saves); comma, tab or semicolon separated; record numbers as a spreadsheet shows them.
- jsonl: one JSON object per line; the keys are the headers; rows are numbered by line.

Readers only read: they know nothing of the columns a kind expects. Problems with the whole
file raise FileRejected; a bad jsonl line becomes a row problem (`RawRow.error`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED_BYTES = 300 * 1024 * 1024
FORMATS = {".xlsx": "xlsx", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

Source = str | os.PathLike[str] | IO[bytes] | Any


def max_file_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_FILE_BYTES", MAX_FILE_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS))


class FileRejected(Exception):
    """The file as a whole cannot be read (format, encoding, size)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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


def detect_format(filename: str) -> str:
    ext = Path(filename or "").suffix.lower()
    if ext in FORMATS:
        return FORMATS[ext]
    if ext in (".xls", ".et", ".numbers", ".ods"):
        raise FileRejected(
            "unsupported_format", _("不支持{ext}文件,请另存为.xlsx或.csv后再导入。").format(ext=ext)
        )
    raise FileRejected("unsupported_format", _("只支持.xlsx、.csv和.jsonl文件。"))


def read_table(source: Source, *, filename: str = "", row_limit: int | None = None) -> Table:
    """Read the whole table (at most `row_limit` data rows) or raise FileRejected."""
    name = filename or _source_name(source)
    fmt = detect_format(name)
    limit = row_limit if row_limit is not None else max_rows()
    size = _source_size(source)
    cap = max_file_bytes()
    if size is not None and size > cap:
        raise FileRejected(
            "file_too_large", _("文件过大({size}),上限为{cap}。").format(size=_mb(size), cap=_mb(cap))
        )
    if size == 0:
        raise FileRejected("empty_file", _("文件是空的。"))
    if fmt == "xlsx":
        return _read_xlsx(source, limit)
    data = _read_bytes(source, cap)
    if fmt == "csv":
        return _read_csv(data, limit)
    return _read_jsonl(data, limit)


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
        raise FileRejected("file_too_large", _("文件过大,上限为{cap}。").format(cap=_mb(cap)))
    if not data:
        raise FileRejected("empty_file", _("文件是空的。"))
    return data


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


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


# --- xlsx -----------------------------------------------------------------------------------
def _read_xlsx(source: Source, limit: int) -> Table:
    import zipfile

    from openpyxl import load_workbook

    _check_unpacked_size(source)
    if not isinstance(source, str | os.PathLike) and hasattr(source, "seek"):
        source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileRejected("invalid_file", _("无法读取该.xlsx文件,请确认文件未损坏。")) from exc
    try:
        if not workbook.worksheets:
            raise FileRejected("empty_file", _("工作簿中没有工作表。"))
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers record a wrong sheet size; read every cell
        return _tabulate("xlsx", sheet.iter_rows(values_only=True), limit)
    finally:
        workbook.close()


def _check_unpacked_size(source: Source) -> None:
    """An .xlsx is a zip: refuse one that unpacks to far more than any real sheet (a zip bomb)."""
    import zipfile

    if not isinstance(source, str | os.PathLike) and hasattr(source, "seek"):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected("invalid_file", _("无法读取该.xlsx文件,请确认文件未损坏。")) from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise FileRejected("file_too_large", _("该.xlsx文件解压后内容过大,请拆分后再导入。"))


def _tabulate(fmt: str, rows: Iterator[Sequence[Any]], limit: int) -> Table:
    """A sheet's rows (xlsx or csv) as a Table: row 1 names the columns, blank rows are skipped,
    numbers are the spreadsheet's own row numbers."""
    header_row = next(rows, None)
    if header_row is None or all(_blank(v) for v in header_row):
        raise FileRejected("missing_header", _("第1行应为表头(列名)。"))
    headers = [_clean_header(v) for v in header_row[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(fmt, headers)
    for number, raw in enumerate(rows, start=2):
        if all(_blank(v) for v in raw):
            continue
        if len(table.rows) >= limit:
            raise _too_many_rows(limit)
        table.rows.append(RawRow(number, _cells(headers, raw, table)))
    return table


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


# --- csv ------------------------------------------------------------------------------------
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


def _read_csv(data: bytes, limit: int) -> Table:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        if "\t" in first_line:
            delimiter = "\t"
        elif ";" in first_line:
            delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _tabulate("csv", reader, limit)
    except csv.Error as exc:
        raise FileRejected("invalid_file", _("CSV格式有误:{error}").format(error=exc)) from exc


# --- jsonl ----------------------------------------------------------------------------------
def _read_jsonl(data: bytes, limit: int) -> Table:
    text = decode_text(data)
    headers: dict[str, None] = {}
    rows: list[RawRow] = []
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        if len(rows) >= limit:
            raise _too_many_rows(limit)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(
                RawRow(number, {}, ("invalid_json", _("该行不是有效的JSON:{error}。").format(error=exc.msg)))
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
        rows.append(RawRow(number, cells))
    if not rows:
        raise FileRejected("no_rows", _("文件中没有数据行。"))
    return Table("jsonl", list(headers), rows)


def _lines(text: str) -> Iterator[str]:
    # Physical lines only: str.splitlines() would also split on U+2028 inside JSON strings.
    yield from text.split("\n")
