from __future__ import annotations

import datetime as dt

import pytest

from backend.imports.services import import_file
from backend.occupations.models import Brand, Skill
from tests.factories import ProgramFactory, ProviderFactory, SessionFactory
from training.models import Program, Session

from .helpers import PROGRAM_HEADERS, program_row, write_table

pytestmark = pytest.mark.django_db


def run(path, actor, kind="programs"):
    return import_file(path_or_file=path, kind=kind, actor=actor, filename=path.name)


@pytest.mark.parametrize(("fmt", "encoding"), [("xlsx", ""), ("csv", "utf-8"), ("csv", "gbk"), ("jsonl", "")])
def test_programs_import_in_every_format(tmp_path, provider_staff, provider, fmt, encoding):
    rows = [program_row(i, provider.external_id) for i in range(1, 3)]
    path = write_table(tmp_path, fmt, PROGRAM_HEADERS, rows, encoding=encoding or "utf-8")

    result = run(path, provider_staff)

    assert result.ok, result.errors
    program = Program.objects.get(external_id="prog-imp-1")
    assert program.provider == provider
    assert program.brand == Brand.YUECAI
    assert program.occupation.name == "中式烹调师"
    assert {s.name for s in program.skills.all()} == {"粤菜烹饪", "刀工"}
    assert program.venue_division_id == "441881"  # resolved from the name 英德市
    assert program.is_free
    assert program.hours == 80
    assert program.status == Program.Status.PUBLISHED
    assert program.published_at is not None


def test_brand_accepts_value_and_defaults_to_the_occupations_brand(tmp_path, admin, provider):
    rows = [
        program_row(1, provider.external_id, 培训品牌="gd_technician", 职业="电工", 技能="布线"),
        program_row(
            2, provider.external_id, 培训品牌="", 职业="厨师", 技能="", 状态="草稿"
        ),  # no skills: a draft
    ]
    result = run(write_table(tmp_path, "csv", PROGRAM_HEADERS, rows), admin)
    assert result.ok, result.errors
    assert Program.objects.get(external_id="prog-imp-1").brand == Brand.GD_TECHNICIAN
    second = Program.objects.get(external_id="prog-imp-2")
    assert (second.occupation.name, second.brand) == ("中式烹调师", Brand.YUECAI)  # alias 厨师


def test_program_clean_rules_become_row_errors(tmp_path, admin, provider):
    headers = [*PROGRAM_HEADERS, "授课方式", "费用", "颁发证书"]
    rows = [
        [*program_row(1, provider.external_id), "线上", 0, ""],  # online without a URL
        [*program_row(2, provider.external_id), "线下", 300, ""],  # free with a fee
        [*program_row(3, provider.external_id), "线下", 0, "厨师证"],  # levelled certificate, no level
        [*program_row(4, provider.external_id), "函授", 0, ""],
    ]
    result = run(write_table(tmp_path, "xlsx", headers, rows), admin)
    assert {(e.row, e.column, e.code) for e in result.errors} == {
        (2, "课程链接", "online_url_required"),
        (3, "费用", "free_program_has_fee"),
        (4, "证书等级", "certificate_level_required"),
        (5, "授课方式", "invalid_choice"),
    }


def test_provider_staff_cannot_import_another_providers_program(tmp_path, provider_staff, provider):
    other = ProviderFactory(external_id="prov-other")
    theirs = ProgramFactory(external_id="prog-theirs", provider=other)
    rows = [
        program_row(1, provider.external_id),
        program_row(2, other.external_id),
        program_row(3, provider.external_id, 外部编号=theirs.external_id),  # taking over their program
    ]
    result = run(write_table(tmp_path, "csv", PROGRAM_HEADERS, rows), provider_staff)

    assert {(e.row, e.column, e.code) for e in result.errors} == {
        (3, "机构编号", "forbidden_provider"),
        (4, "外部编号", "forbidden_provider"),
    }
    assert not Program.objects.filter(external_id="prog-imp-1").exists()
    theirs.refresh_from_db()
    assert theirs.provider == other


def test_sessions_import_and_update(tmp_path, provider_staff, provider):
    program = ProgramFactory(external_id="prog-s", provider=provider)
    headers = ["外部编号", "项目编号", "开班日期", "结业日期", "报名截止", "名额"]
    rows = [
        ["sess-imp-1", "prog-s", dt.date(2030, 3, 2), "2030/3/30", "2030-02-25", 40],
        ["sess-imp-2", "prog-s", "2030年4月1日", 47598, "", "30"],  # 47598 = Excel serial of 2030-04-25
    ]
    result = run(write_table(tmp_path, "xlsx", headers, rows), provider_staff, kind="sessions")
    assert result.ok, result.errors
    first = Session.objects.get(external_id="sess-imp-1")
    assert (first.program, first.start_date, first.end_date) == (
        program,
        dt.date(2030, 3, 2),
        dt.date(2030, 3, 30),
    )
    assert first.enrol_deadline == dt.date(2030, 2, 25)
    assert Session.objects.get(external_id="sess-imp-2").end_date == dt.date(2030, 4, 25)

    rows[0][5] = 60
    again = run(write_table(tmp_path, "csv", headers, rows, name="again"), provider_staff, kind="sessions")
    assert (again.created, again.updated) == (0, 2)
    first.refresh_from_db()
    assert first.seats == 60


def test_session_rules_and_other_providers_program(tmp_path, provider_staff, provider):
    ProgramFactory(external_id="prog-own", provider=provider)
    ProgramFactory(external_id="prog-other", provider=ProviderFactory())
    theirs = SessionFactory(external_id="sess-theirs")
    headers = ["外部编号", "项目编号", "开班日期", "结业日期", "名额"]
    rows = [
        ["sess-a", "prog-own", "2030-03-30", "2030-03-01", 40],
        ["sess-b", "prog-other", "2030-03-01", "2030-03-30", 40],
        ["sess-c", "prog-missing", "2030-03-01", "2030-03-30", 40],
        [theirs.external_id, "prog-own", "2030-03-01", "2030-03-30", 0],
    ]
    result = run(write_table(tmp_path, "jsonl", headers, rows), provider_staff, kind="sessions")
    assert {(e.row, e.column, e.code) for e in result.errors} == {
        (1, "结业日期", "end_before_start"),
        (2, "项目编号", "forbidden_provider"),
        (3, "项目编号", "unknown_program"),
        (4, "外部编号", "forbidden_provider"),
        (4, "名额", "min_value"),
    }


def test_a_program_is_not_published_without_skills(tmp_path, provider_staff, provider):
    """The same rule as `program_publish`: a row that publishes a program teaches at least one skill."""
    rows = [
        program_row(1, provider.external_id),
        program_row(2, provider.external_id, 技能=""),
        program_row(3, provider.external_id, 技能="", 状态="草稿"),  # a draft may wait for its skills
    ]
    result = run(write_table(tmp_path, "csv", PROGRAM_HEADERS, rows), provider_staff)

    assert [(e.row, e.column, e.code, e.message) for e in result.errors] == [
        (3, "技能", "skills_required", "发布前请至少填写一项所授技能。"),
    ]
    assert not Program.objects.filter(external_id__startswith="prog-imp-").exists()


def test_without_a_skills_column_a_program_keeps_the_skills_it_has(tmp_path, provider_staff, provider):
    taught = ProgramFactory(external_id="prog-taught", provider=provider, status=Program.Status.DRAFT)
    taught.skills.set([Skill.objects.get(name="刀工")])
    bare = ProgramFactory(external_id="prog-bare", provider=provider, status=Program.Status.DRAFT)
    keep = [i for i, header in enumerate(PROGRAM_HEADERS) if header != "技能"]
    headers = [PROGRAM_HEADERS[i] for i in keep]
    rows = []
    for n, program in enumerate((taught, bare), start=1):
        row = program_row(n, provider.external_id, 外部编号=program.external_id)
        rows.append([row[i] for i in keep])
    result = run(write_table(tmp_path, "csv", headers, rows), provider_staff)

    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, "技能", "skills_required")]


def test_not_even_an_admin_moves_a_session_to_another_providers_program(tmp_path, admin, provider):
    session = SessionFactory(external_id="sess-moving", program=ProgramFactory(provider=provider))
    ProgramFactory(external_id="prog-elsewhere", provider=ProviderFactory())
    headers = ["外部编号", "项目编号", "开班日期", "结业日期", "名额"]
    rows = [[session.external_id, "prog-elsewhere", "2030-03-01", "2030-03-30", 40]]

    result = run(write_table(tmp_path, "csv", headers, rows), admin, kind="sessions")

    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "项目编号", "forbidden_move")]
    session.refresh_from_db()
    assert session.program.provider == provider
