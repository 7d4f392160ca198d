"""Template files per kind (.xlsx and .csv: the header row only) and the Markdown column reference.

The xlsx template has the header row on its first sheet (required columns in red, identifier
columns formatted as text so Excel keeps leading zeros and all 18 digits) and a second sheet
「填写说明」 describing each column with an example. docs/import-format.md is `render_markdown()`.
"""

from __future__ import annotations

import csv
import io

from backend.common.spreadsheet import csv_row, xlsx_append

from .schemas import SCHEMAS, TYPE_DOCS, Column, KindSchema

TEXT_TYPES = {"text", "ref", "id_number", "mobile", "credit_code", "division"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def template_filename(kind: str, fmt: str) -> str:
    return f"import-{kind}.{fmt}"


def template_headers(kind: str) -> list[str]:
    return [column.header for column in SCHEMAS[kind].columns]


def template_csv(kind: str) -> bytes:
    """UTF-8 with BOM, so Excel on Windows opens the Chinese headers correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(csv_row(template_headers(kind)))
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    schema = SCHEMAS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = schema.label
    bold = Font(bold=True)
    required_font = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="F2F2F2")
    for index, column in enumerate(schema.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = required_font if column.required else bold
        cell.fill = fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(column.header) * 2 + 4))
        if column.type in TEXT_TYPES:
            # Text format for the first rows people fill in: keeps 18-digit numbers intact.
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("填写说明")
    xlsx_append(guide, ["列名", "字段(field)", "类型", "必填", "示例", "说明", "也可用的列名"])
    for cell in guide[1]:
        cell.font = bold
    for column in schema.columns:
        xlsx_append(
            guide,
            [
                column.header,
                column.field,
                _type_doc(column),
                "是" if column.required else "",
                column.example,
                column.note,
                "、".join(_other_headers(schema, column)),
            ],
        )
    for note in _kind_notes(schema):
        guide.append([])
        xlsx_append(guide, [note])
    for letter, width in zip("ABCDEFG", (16, 26, 30, 6, 30, 40, 40), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _type_doc(column: Column) -> str:
    text = TYPE_DOCS.get(column.type, column.type)
    if column.choices is not None:
        options = [f"{label}({value})" for value, label in column.choices.choices if value != ""]
        text += ":" + "、".join(options)
    return text


def _other_headers(schema: KindSchema, column: Column) -> list[str]:
    return [h for h in schema.accepted_headers(column) if h != column.header]


def _kind_notes(schema: KindSchema) -> list[str]:
    notes = {
        "programs": "培训机构人员只能导入本机构(机构编号)的项目;机构须已存在。",
        "sessions": "所属培训项目(项目编号)须已存在;培训机构人员只能导入本机构项目的开班。",
        "postings": "用人单位(单位编号)须已存在;用人单位人员只能导入本单位岗位;就业服务人员只能导入覆盖区县的岗位。",
        "employers": "就业服务人员只能导入所在区县在本中心覆盖范围内的用人单位。",
        "workers": "就业服务人员只能导入常住地在本中心覆盖范围内的劳动者。身份证号加密保存。",
        "providers": "只有管理员可以导入培训机构。",
    }
    return [notes[schema.kind]] if schema.kind in notes else []


# --- docs -------------------------------------------------------------------------------------
def render_kind_markdown(kind: str) -> str:
    schema = SCHEMAS[kind]
    lines = [
        f"### {kind} — {schema.label}",
        "",
        "| field | 中文列名 (accepted headers) | type | required | example |",
        "|---|---|---|---|---|",
    ]
    for column in schema.columns:
        headers = " / ".join(h for h in schema.accepted_headers(column) if h != column.field)
        type_text = _type_doc(column)
        if column.note:
            type_text += f";{column.note}"
        required = "**yes**" if column.required else "no"
        cells = [f"`{column.field}`", headers, type_text, required, column.example or ""]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.extend(["", *_kind_notes(schema), ""])
    return "\n".join(lines)


def render_markdown() -> str:
    return "\n".join(render_kind_markdown(kind) for kind in SCHEMAS)


DOCS_MARKER = "<!-- The tables below are generated"


def update_docs(path: str | None = None) -> None:
    """Rewrite the generated part of docs/import-format.md (everything after the marker comment):

    .venv/bin/python manage.py shell -c "from backend.imports.templates import update_docs; update_docs()"
    """
    from django.conf import settings

    target = path or str(settings.BASE_DIR / "docs" / "import-format.md")
    with open(target, encoding="utf-8") as handle:
        text = handle.read()
    start = text.index(DOCS_MARKER)
    end = text.index("-->", start) + len("-->")
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text[:end] + "\n\n" + render_markdown().rstrip() + "\n")
