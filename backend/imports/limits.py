"""What an uploaded file may hold, checked before it is parsed (and, for rows, while it streams).

An .xlsx is a zip: its central directory (zipfile's infolist, nothing decompressed) tells the
unpacked size and compression ratio of every part, and the workbook part lists the sheets, so a
zip bomb or a workbook of thousands of sheets is refused in milliseconds, before openpyxl opens it.
Rows and columns are counted as the first sheet streams (readers.py), which stops at the limit.

Each limit is a setting (IMPORT_MAX_*); a refusal names the limit and the file's own figure.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
# Parts smaller than this are not held to the ratio: tiny XML parts compress well and cost nothing.
RATIO_FLOOR_BYTES = 1 * MB
# Parts read whole to count the sheets ([Content_Types].xml, the workbook part): far above any real one.
SMALL_PART_BYTES = 2 * MB
WORKBOOK_CONTENT = re.compile(
    r"spreadsheetml\.(sheet|template)\.main\+xml|ms-excel\.(sheet|template)\.macroEnabled"
)


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 10 * MB  # the upload itself (any format)
    unpacked_bytes: int = 100 * MB  # an .xlsx's parts together, unzipped (a 20,000-row sheet: ~20 MB)
    compression_ratio: int = 100  # unzipped/zipped for any part over 1 MB (real sheets: 5-20)
    zip_entries: int = 1_000  # parts in an .xlsx (an ordinary workbook has about 10)
    sheets: int = 20  # worksheets in an .xlsx (only the first is imported)
    rows: int = 20_000  # data rows (blank rows are not counted)
    columns: int = 200  # columns with data
    blank_rows_end: int = 1_000  # this many blank rows in a row end the table (formatted empty rows)
    line_chars: int = 100_000  # one line of a .csv or .jsonl


SETTINGS = {
    "file_bytes": "IMPORT_MAX_FILE_BYTES",
    "unpacked_bytes": "IMPORT_MAX_UNPACKED_BYTES",
    "compression_ratio": "IMPORT_MAX_COMPRESSION_RATIO",
    "zip_entries": "IMPORT_MAX_ZIP_ENTRIES",
    "sheets": "IMPORT_MAX_SHEETS",
    "rows": "IMPORT_MAX_ROWS",
    "columns": "IMPORT_MAX_COLUMNS",
    "blank_rows_end": "IMPORT_BLANK_ROWS_END",
    "line_chars": "IMPORT_MAX_LINE_CHARS",
}


def import_limits() -> Limits:
    """The limits in force: each setting when set, else the default above."""
    defaults = Limits()
    values = {name: int(getattr(settings, key, getattr(defaults, name))) for name, key in SETTINGS.items()}
    return Limits(**values)


class FileRejected(Exception):
    """The file as a whole cannot be read (format, encoding, a limit)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def size_text(size: float) -> str:
    return f"{size / MB:.1f} MB"


def too_large(size: int, cap: int) -> FileRejected:
    return FileRejected(
        "file_too_large", _("文件过大({size}),上限为{cap}。").format(size=size_text(size), cap=size_text(cap))
    )


# --- xlsx: the zip's directory -------------------------------------------------------------------
def check_xlsx_archive(source: str | os.PathLike[str] | IO[bytes] | Any, limits: Limits) -> None:
    """Refuse an .xlsx whose parts unpack to too much, compress suspiciously well, are too many,
    or list too many sheets: from the zip's central directory and two small parts, before parsing.
    zipfile stops any part at the size its directory entry declares (then fails its CRC), so the
    declared sizes bound what openpyxl can read."""
    if not isinstance(source, str | os.PathLike) and hasattr(source, "seek"):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
            _check_parts(infos, limits)
            sheets = _count_sheets(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected("invalid_file", _("无法读取该.xlsx文件,请确认文件未损坏。")) from exc
    if sheets > limits.sheets:
        raise FileRejected(
            "too_many_sheets",
            _("工作簿有{count}个工作表,上限为{cap}个;只导入第一个工作表,请删除其余的工作表后再导入。").format(
                count=sheets, cap=limits.sheets
            ),
        )


def _check_parts(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.zip_entries:
        raise FileRejected(
            "too_many_parts",
            _("该.xlsx文件包含{count}个部件,上限为{cap}个,不像正常的表格文件。").format(
                count=len(infos), cap=limits.zip_entries
            ),
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.unpacked_bytes:
        raise FileRejected(
            "unpacked_too_large",
            _("该.xlsx文件解压后有{size},上限为{cap};请删除多余的内容或拆分为多个文件后再导入。").format(
                size=size_text(unpacked), cap=size_text(limits.unpacked_bytes)
            ),
        )
    for info in infos:
        if info.file_size < RATIO_FLOOR_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.compression_ratio:
            raise FileRejected(
                "compression_ratio_too_high",
                _(
                    "该.xlsx文件中的“{part}”压缩比为{ratio:.0f}:1,上限为{cap}:1(解压后{size}),"
                    "不像正常的表格文件,已拒绝。"
                ).format(
                    part=info.filename[:80],
                    ratio=ratio,
                    cap=limits.compression_ratio,
                    size=size_text(info.file_size),
                ),
            )


def _count_sheets(archive: zipfile.ZipFile) -> int:
    """The <sheet> entries of the workbook part, found as openpyxl finds it (the content types)."""
    part = "xl/workbook.xml"
    types = _small_part(archive, "[Content_Types].xml")
    if types is not None:
        for match in re.finditer(rb"<Override\b[^>]*>", types):
            element = match.group(0).decode("utf-8", "replace")
            content_type = re.search(r'ContentType="([^"]*)"', element)
            name = re.search(r'PartName="/?([^"]*)"', element)
            if content_type and name and WORKBOOK_CONTENT.search(content_type.group(1)):
                part = name.group(1)
                break
    workbook = _small_part(archive, part)
    if workbook is None:
        return 0  # openpyxl reports the missing or oversized part as an unreadable file
    return len(re.findall(rb"<(?:\w+:)?sheet\b", workbook))


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > SMALL_PART_BYTES:
        raise FileRejected(
            "invalid_file",
            _("该.xlsx文件的“{part}”有{size},不像正常的表格文件。").format(
                part=name, size=size_text(info.file_size)
            ),
        )
    return archive.read(info)
