from __future__ import annotations

import datetime as dt

import pytest

from backend.imports.services import import_file
from backend.jobs.models import Posting

from .helpers import POSTING_HEADERS, posting_row, write_table

pytestmark = pytest.mark.django_db


def run(path, actor, kind="postings"):
    return import_file(path_or_file=path, kind=kind, actor=actor, filename=path.name)


@pytest.mark.parametrize(
    ("fmt", "encoding"), [("xlsx", ""), ("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "gbk"), ("jsonl", "")]
)
def test_postings_import_in_every_format(tmp_path, admin, employer, fmt, encoding):
    rows = [posting_row(i, employer.external_id) for i in range(1, 4)]
    path = write_table(tmp_path, fmt, POSTING_HEADERS, rows, encoding=encoding or "utf-8")

    result = run(path, admin)

    assert result.ok, result.errors
    assert (result.row_count, result.created, result.updated) == (3, 3, 0)
    posting = Posting.objects.get(external_id="post-imp-2")
    assert posting.employer == employer
    assert posting.title == "电焊工2"
    assert posting.occupation.name == "焊工"
    assert {s.name for s in posting.required_skills.all()} == {"焊条电弧焊", "二氧化碳气体保护焊"}
    assert (posting.wage_min, posting.wage_max, posting.headcount) == (4500, 6500, 5)
    assert posting.provides_meals is True
    assert posting.provides_lodging is False
    assert posting.division_id == "441881"
    assert posting.expires_on == dt.date(2030, 4, 30)
    assert posting.latitude is not None  # taken from the county


def test_one_bad_row_writes_nothing_and_names_row_column_reason(tmp_path, admin, employer):
    rows = [posting_row(i, employer.external_id) for i in range(1, 6)]
    rows[2] = posting_row(3, employer.external_id, 月薪上限=200000)  # spreadsheet row 4
    path = write_table(tmp_path, "xlsx", POSTING_HEADERS, rows)

    result = run(path, admin)

    assert not result.ok
    assert not Posting.objects.filter(external_id__startswith="post-imp-").exists()
    assert [(e.row, e.column, e.code) for e in result.errors] == [(4, "月薪上限", "wage_out_of_range")]
    assert "月薪" in result.errors[0].message  # Chinese reason


def test_many_bad_rows_are_all_listed(tmp_path, admin, employer):
    rows = [
        posting_row(1, employer.external_id),
        posting_row(2, employer.external_id, 技能="电焊、会飞"),
        posting_row(3, employer.external_id, 区县代码="999999"),
        posting_row(4, employer.external_id, 包吃="也许", 招聘人数="五"),
        posting_row(5, employer.external_id, 月薪下限=8000, 月薪上限=6000),
        posting_row(6, employer.external_id, 岗位名称=""),
        posting_row(7, employer.external_id, 职业="宇航员"),
        posting_row(8, "emp-does-not-exist"),
        posting_row(9, employer.external_id, 截止日期="2030-02-30"),
        posting_row(2, employer.external_id),  # duplicate external id of row 3
    ]
    path = write_table(tmp_path, "csv", POSTING_HEADERS, rows)

    result = run(path, admin)

    got = {(e.row, e.column, e.code) for e in result.errors}
    assert got == {
        (3, "技能", "unknown_skill"),
        (4, "区县代码", "unknown_division"),
        (5, "包吃", "invalid_boolean"),
        (5, "招聘人数", "invalid_number"),
        (6, "月薪上限", "wage_range_inverted"),
        (7, "岗位名称", "required"),
        (8, "职业", "unknown_occupation"),
        (9, "单位编号", "unknown_employer"),
        (10, "截止日期", "invalid_date"),
        (11, "外部编号", "duplicate_external_id"),
    }
    assert "会飞" in next(e.message for e in result.errors if e.code == "unknown_skill")
    assert result.bad_rows == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert not Posting.objects.filter(external_id__startswith="post-imp-").exists()


def test_reimport_updates_without_duplicates(tmp_path, admin, employer):
    rows = [posting_row(i, employer.external_id) for i in range(1, 4)]
    first = run(write_table(tmp_path, "xlsx", POSTING_HEADERS, rows, name="first"), admin)
    assert (first.created, first.updated) == (3, 0)
    created_at = Posting.objects.get(external_id="post-imp-1").created_at

    rows[0] = posting_row(1, employer.external_id, 月薪下限=5000, 月薪上限=7000, 技能="氩弧焊")
    second = run(write_table(tmp_path, "csv", POSTING_HEADERS, rows, name="second"), admin)

    assert second.ok, second.errors
    assert (second.created, second.updated) == (0, 3)
    assert Posting.objects.filter(external_id__startswith="post-imp-").count() == 3
    posting = Posting.objects.get(external_id="post-imp-1")
    assert (posting.wage_min, posting.wage_max) == (5000, 7000)
    assert [s.name for s in posting.required_skills.all()] == ["钨极氩弧焊"]
    assert posting.created_at == created_at


def test_english_headers_and_alternative_values(tmp_path, admin, employer):
    headers = ["external_id", "employer", "title", "occupation", "required_skills", "headcount", "wage_type",
               "rate", "rate_unit", "provides_meals", "division", "status", "expires_on"]  # fmt: skip
    rows = [["post-en-1", employer.external_id, "普工", "welder", "smaw|gmaw", "3", "piece", "1.5", "件", "Y",
             "英德市", "published", "2030/4/5"]]  # fmt: skip
    result = run(write_table(tmp_path, "csv", headers, rows), admin)

    assert result.ok, result.errors
    posting = Posting.objects.get(external_id="post-en-1")
    assert posting.wage_type == Posting.WageType.PIECE
    assert str(posting.rate) == "1.50"
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.published_at is not None
    assert posting.required_skills.count() == 2
    assert posting.expires_on == dt.date(2030, 4, 5)


def test_unknown_and_missing_columns_are_file_errors(tmp_path, admin, employer):
    headers = ["外部编号", "单位编号", "岗位名", "职业", "招聘人数", "月新下限"]
    rows = [["post-x", employer.external_id, "普工", "焊工", 3, 4000]]
    result = run(write_table(tmp_path, "xlsx", headers, rows), admin)

    by_code = {e.code: e for e in result.errors}
    assert set(by_code) == {"unknown_columns", "missing_columns"}
    assert by_code["unknown_columns"].row is None
    assert "岗位名" in by_code["unknown_columns"].message
    assert "月新下限" in by_code["unknown_columns"].message
    assert "岗位名称" in by_code["missing_columns"].message
    assert not Posting.objects.filter(external_id="post-x").exists()


def test_duplicate_columns_are_a_file_error(tmp_path, admin, employer):
    headers = [*POSTING_HEADERS, "必备技能"]
    rows = [[*posting_row(1, employer.external_id), "电焊"]]
    result = run(write_table(tmp_path, "csv", headers, rows), admin)
    assert [e.code for e in result.errors] == ["duplicate_column"]


def test_blank_division_takes_the_employers_county(tmp_path, admin):
    from tests.factories import EmployerFactory

    employer = EmployerFactory(external_id="emp-qc", county_id="441802")  # 清城区
    result = run(
        write_table(
            tmp_path, "jsonl", POSTING_HEADERS, [posting_row(1, employer.external_id, 区县代码=None)]
        ),
        admin,
    )
    assert result.ok, result.errors
    assert Posting.objects.get(external_id="post-imp-1").division_id == "441802"


def test_validation_queries_do_not_grow_with_rows(tmp_path, admin, employer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n: int) -> int:
        rows = [posting_row(i, employer.external_id) for i in range(n)]
        path = write_table(tmp_path, "csv", POSTING_HEADERS, rows, name=f"q{n}")
        with CaptureQueriesContext(connection) as queries:
            result = import_file(
                path_or_file=path, kind="postings", actor=admin, filename=path.name, dry_run=True
            )
        assert result.ok
        assert result.created == n
        return len(queries)

    assert count(5) == count(120)
