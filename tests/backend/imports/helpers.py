"""Small fixture files written in tmp_path: never committed binaries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.factories import valid_credit_code, valid_id_number

POSTING_HEADERS = [
    "外部编号", "单位编号", "岗位名称", "职业", "技能", "招聘人数", "月薪下限", "月薪上限",
    "包吃", "包住", "区县代码", "截止日期",
]  # fmt: skip

PROGRAM_HEADERS = [
    "外部编号", "机构编号", "项目名称", "培训品牌", "职业", "技能", "区县代码", "课时", "免费", "状态",
]  # fmt: skip

WORKER_HEADERS = ["外部编号", "姓名", "手机号", "身份证号", "常住地", "技能", "证书", "可到岗日期"]


def write_table(
    directory: Path,
    fmt: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    name: str = "data",
    encoding: str = "utf-8",
) -> Path:
    """Write headers + rows as .xlsx, .csv (in `encoding`) or .jsonl; returns the path."""
    path = directory / f"{name}.{fmt}"
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(list(headers))
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else _text(v) for v in row])
        path.write_bytes(buffer.getvalue().encode(encoding))
    elif fmt == "jsonl":
        lines = [
            json.dumps(
                {h: _json(v) for h, v in zip(headers, row, strict=True) if v is not None}, ensure_ascii=False
            )
            for row in rows
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        raise ValueError(fmt)
    return path


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def posting_row(n: int, employer_external_id: str, **overrides: Any) -> list[Any]:
    values = {
        "外部编号": f"post-imp-{n}",
        "单位编号": employer_external_id,
        "岗位名称": f"电焊工{n}",
        "职业": "焊工",
        "技能": "电焊、二保焊",
        "招聘人数": 5,
        "月薪下限": 4500,
        "月薪上限": 6500,
        "包吃": "是",
        "包住": "否",
        "区县代码": "441881",
        "截止日期": dt.date(2030, 4, 30),
    }
    values.update(overrides)
    return [values[h] for h in POSTING_HEADERS]


def program_row(n: int, provider_external_id: str, **overrides: Any) -> list[Any]:
    values = {
        "外部编号": f"prog-imp-{n}",
        "机构编号": provider_external_id,
        "项目名称": f"粤菜师傅培训班{n}",
        "培训品牌": "粤菜师傅",
        "职业": "中式烹调师",
        "技能": "粤菜、刀工",
        "区县代码": "英德市",
        "课时": 80,
        "免费": "是",
        "状态": "已发布",
    }
    values.update(overrides)
    return [values[h] for h in PROGRAM_HEADERS]


def worker_row(n: int, **overrides: Any) -> list[Any]:
    values = {
        "外部编号": f"w-imp-{n}",
        "姓名": f"劳动者{n}",
        "手机号": f"139{n:08d}",
        "身份证号": valid_id_number(900000 + n),
        "常住地": "441881",
        "技能": "电焊",
        "证书": "焊工证、焊工等级证:四级",
        "可到岗日期": "2030/3/1",
    }
    values.update(overrides)
    return [values[h] for h in WORKER_HEADERS]


def credit_code(n: int) -> str:
    return valid_credit_code(900000 + n)
