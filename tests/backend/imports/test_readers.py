from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import override_settings
from openpyxl import Workbook

from backend.imports import coerce
from backend.imports.readers import FileRejected, read_table
from backend.imports.services import import_file
from backend.jobs.models import Posting

from .helpers import POSTING_HEADERS, posting_row, write_table


def test_csv_encodings_are_detected(tmp_path):
    for encoding in ("utf-8", "utf-8-sig", "gbk", "utf-16"):
        path = write_table(
            tmp_path, "csv", ["外部编号", "岗位名称"], [["a", "电焊工"]], encoding=encoding, name=encoding
        )
        table = read_table(path)
        assert table.headers == ["外部编号", "岗位名称"], encoding
        assert table.rows[0].cells == {"外部编号": "a", "岗位名称": "电焊工"}


def test_csv_tab_separated_and_row_numbers_skip_blank_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('外部编号\t岗位名称\na\t普工\n\t\nb\t"多行\n描述"\nc\t厨师\n', encoding="utf-8")
    table = read_table(path)
    assert [(r.number, r.cells["外部编号"]) for r in table.rows] == [(2, "a"), (4, "b"), (5, "c")]
    assert table.rows[1].cells["岗位名称"] == "多行\n描述"


def test_xlsx_rows_numbered_as_excel_shows_them_and_dates_kept(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["外部编号", "开班日期", "手机号", None])
    sheet.append(["a", dt.datetime(2030, 3, 2), 13800138000.0, None])
    sheet.append([None, None, None, None])
    sheet.append(["b", "2030/3/2", "13800138000", "stray"])
    path = tmp_path / "s.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.headers == ["外部编号", "开班日期", "手机号"]
    assert [r.number for r in table.rows] == [2, 4]
    assert table.rows[0].cells["开班日期"] == dt.date(2030, 3, 2)
    assert coerce.as_text(table.rows[0].cells["手机号"]) == "13800138000"
    assert table.unlabelled_data is True


def test_jsonl_bad_lines_are_row_errors(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"外部编号": "a"}\n\n{not json}\n[1, 2]\n{"外部编号": "b", "技能": ["电焊", "二保焊"]}\n',
        encoding="utf-8",
    )
    table = read_table(path)
    assert [(r.number, r.error[0] if r.error else None) for r in table.rows] == [
        (1, None),
        (3, "invalid_json"),
        (4, "invalid_json"),
        (5, None),
    ]
    assert table.rows[3].cells["技能"] == ["电焊", "二保焊"]


def test_a_deeply_nested_jsonl_line_is_a_row_error_found_before_decoding(tmp_path, settings):
    settings.SKILLBRIDGE_JSON_MAX_DEPTH = 5
    path = tmp_path / "x.jsonl"
    path.write_text('{"外部编号": "a", "技能": [[[[[["电焊"]]]]]]}\n{"外部编号": "b"}\n', encoding="utf-8")
    table = read_table(path)
    assert [(r.number, r.error[0] if r.error else None) for r in table.rows] == [
        (1, "invalid_json"),
        (2, None),
    ]
    assert "嵌套过深" in table.rows[0].error[1]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0", "unsupported_format"),
        ("a.txt", b"x", "unsupported_format"),
        ("a.xlsx", b"not a zip file", "invalid_file"),
        ("a.csv", b"", "empty_file"),
        ("a.csv", "外部编号\n".encode("utf-32"), "encoding"),
        ("a.csv", b"\xff\xff\xff", "encoding"),
    ],
)
def test_unreadable_files_are_rejected(name, content, code):
    with pytest.raises(FileRejected) as caught:
        read_table(io.BytesIO(content), filename=name)
    assert caught.value.code == code


@pytest.mark.django_db
def test_size_and_row_caps_give_clear_errors(tmp_path, admin, employer):
    rows = [posting_row(i, employer.external_id) for i in range(6)]
    path = write_table(tmp_path, "xlsx", POSTING_HEADERS, rows)
    with override_settings(IMPORT_MAX_ROWS=5):
        result = import_file(path_or_file=path, kind="postings", actor=admin, filename=path.name)
    assert [(e.row, e.code) for e in result.errors] == [(None, "too_many_rows")]
    assert "5" in result.errors[0].message
    with override_settings(IMPORT_MAX_FILE_BYTES=1000):
        result = import_file(path_or_file=path, kind="postings", actor=admin, filename=path.name)
    assert [e.code for e in result.errors] == ["file_too_large"]
    assert not Posting.objects.filter(external_id__startswith="post-imp-").exists()


def test_cell_coercion():
    assert coerce.as_bool("Y") is True
    assert coerce.as_bool("否") is False
    assert coerce.as_bool(0) is False
    assert coerce.as_int("4,500") == 4500
    assert coerce.as_int(4500.0) == 4500
    assert coerce.as_int("4500元") == 4500
    assert coerce.as_date("2030/3/2") == dt.date(2030, 3, 2) == coerce.as_date("2030-03-02 00:00:00")
    assert coerce.as_date(47545) == dt.date(2030, 3, 3)
    assert coerce.as_list("电焊、二保焊,氩弧焊;气割|点焊，碰焊") == [
        "电焊",
        "二保焊",
        "氩弧焊",
        "气割",
        "点焊",
        "碰焊",
    ]
    assert coerce.as_level("四级/中级工") == 4 == coerce.as_level("中级工") == coerce.as_level(4)
    with pytest.raises(coerce.CellError):
        coerce.as_int("4.5")


@pytest.mark.django_db
def test_a_nul_in_a_jsonl_cell_is_a_row_error_not_a_crash(tmp_path, admin, employer):
    import json

    from backend.imports.services import import_file

    line = {"外部编号": "x-1", "单位编号": employer.external_id, "岗位名称": "普\u0000工", "职业": "生产操作工",
            "招聘人数": 1, "月薪下限": 4000, "月薪上限": 5000}  # fmt: skip
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = import_file(path_or_file=path, kind="postings", actor=admin, filename="p.jsonl")
    assert not result.ok
    assert [(e.row, e.code) for e in result.errors] == [(1, "invalid_characters")]
