from __future__ import annotations

import datetime as dt

import pytest

from backend.imports.services import import_file
from backend.jobs.models import Employer
from backend.workers.models import WorkerCertificate, WorkerProfile, WorkerSkill
from tests.factories import EmployerFactory, WorkerProfileFactory, valid_id_number
from training.models import Provider

from .helpers import WORKER_HEADERS, credit_code, worker_row, write_table

pytestmark = pytest.mark.django_db


def run(path, actor, kind="workers"):
    return import_file(path_or_file=path, kind=kind, actor=actor, filename=path.name)


@pytest.mark.parametrize(
    ("fmt", "encoding"), [("xlsx", ""), ("csv", "utf-8-sig"), ("csv", "gbk"), ("jsonl", "")]
)
def test_workers_import_in_every_format(tmp_path, service_staff, fmt, encoding):
    rows = [worker_row(1), worker_row(2, 手机号="+86 139-0000-0002")]
    path = write_table(tmp_path, fmt, WORKER_HEADERS, rows, encoding=encoding or "utf-8")

    result = run(path, service_staff)

    assert result.ok, result.errors
    worker = WorkerProfile.objects.get(external_id="w-imp-1")
    number = valid_id_number(900001)
    assert worker.reveal_id_number() == number
    assert worker.id_number_masked.startswith("4418")
    assert "*" in worker.id_number_masked
    assert worker.birth_year == int(number[6:10])  # derived from the ID number
    assert worker.current_division_id == "441881"
    assert worker.available_from == dt.date(2030, 3, 1)
    assert worker.registered_by == service_staff
    assert [s.skill.name for s in worker.skills.all()] == ["焊条电弧焊"]
    certificates = {c.certificate_type.slug: c.level for c in worker.certificates.all()}
    assert certificates == {"op-welding": None, "level-welder": 4}
    assert WorkerProfile.objects.get(external_id="w-imp-2").mobile == "13900000002"


def test_id_number_and_mobile_errors(tmp_path, admin):
    existing = WorkerProfileFactory(external_id="w-existing", id_number=valid_id_number(12345))
    bad_checksum = valid_id_number(900003)[:17] + ("0" if valid_id_number(900003)[17] != "0" else "1")
    rows = [
        worker_row(1),
        worker_row(2, 身份证号=bad_checksum),
        worker_row(3, 手机号="1234"),
        worker_row(4, 身份证号=valid_id_number(900001)),  # same person as row 2
        worker_row(5, 身份证号=valid_id_number(12345)),  # already registered under another external id
        worker_row(6, 常住地="不存在县"),
    ]
    result = run(write_table(tmp_path, "csv", WORKER_HEADERS, rows), admin)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "身份证号", "id_number_checksum"),
        (4, "手机号", "mobile_format"),
        (5, "身份证号", "duplicate_id_number"),
        (6, "身份证号", "duplicate_id_number"),
        (7, "常住地", "unknown_division"),
    ]
    assert bad_checksum not in str([e.message for e in result.errors])
    assert WorkerProfile.objects.filter(external_id__startswith="w-imp-").count() == 0
    assert existing.reveal_id_number() == valid_id_number(12345)


def test_reimport_updates_worker_and_keeps_skill_rows(tmp_path, admin):
    run(write_table(tmp_path, "xlsx", WORKER_HEADERS, [worker_row(1, 技能="电焊、二保焊")], name="a"), admin)
    worker = WorkerProfile.objects.get(external_id="w-imp-1")
    WorkerSkill.objects.filter(worker=worker, skill__slug="smaw").update(years=7)

    again = run(
        write_table(
            tmp_path,
            "jsonl",
            WORKER_HEADERS,
            [worker_row(1, 姓名="新名字", 技能="电焊、氩弧焊", 证书="焊工证")],
        ),
        admin,
    )
    assert again.ok
    assert (again.created, again.updated) == (0, 1)
    worker.refresh_from_db()
    assert worker.name == "新名字"
    skills = dict(WorkerSkill.objects.filter(worker=worker).values_list("skill__slug", "years"))
    assert skills == {"smaw": 7, "gtaw": 0}
    assert list(
        WorkerCertificate.objects.filter(worker=worker).values_list("certificate_type__slug", flat=True)
    ) == ["op-welding"]
    assert WorkerProfile.objects.filter(external_id="w-imp-1").count() == 1


def test_service_staff_cannot_import_workers_outside_their_counties(tmp_path, service_staff):
    elsewhere = WorkerProfileFactory(external_id="w-qingcheng", current_division_id="441802")
    rows = [
        worker_row(1),
        worker_row(2, 常住地="441802"),  # 清城区: not covered
        worker_row(3, 外部编号=elsewhere.external_id),  # moving a worker they do not cover
    ]
    result = run(write_table(tmp_path, "xlsx", WORKER_HEADERS, rows), service_staff)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "常住地", "forbidden_division"),
        (4, "外部编号", "forbidden_division"),
    ]
    assert not WorkerProfile.objects.filter(external_id="w-imp-1").exists()
    elsewhere.refresh_from_db()
    assert elsewhere.current_division_id == "441802"


def test_employers_import_with_credit_codes(tmp_path, service_staff):
    taken = EmployerFactory(external_id="emp-taken")
    headers = ["外部编号", "单位名称", "统一社会信用代码", "区县代码", "行业", "稳岗就业基地"]
    good = credit_code(1)
    rows = [
        ["emp-imp-1", "英德甲公司", good.lower(), "英德市", "制造业", "是"],
        ["emp-imp-2", "英德乙公司", good, "441881", "制造业", "否"],  # same code as row 2
        ["emp-imp-3", "英德丙公司", good[:17] + ("0" if good[17] != "0" else "1"), "441881", "制造业", ""],
        ["emp-imp-4", "英德丁公司", taken.credit_code, "441881", "制造业", ""],
        ["emp-imp-5", "清城公司", credit_code(5), "441802", "制造业", ""],  # not covered
    ]
    result = run(write_table(tmp_path, "csv", headers, rows), service_staff, kind="employers")
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "统一社会信用代码", "duplicate_credit_code"),
        (4, "统一社会信用代码", "credit_code_checksum"),
        (5, "统一社会信用代码", "duplicate_credit_code"),
        (6, "区县代码", "forbidden_division"),
    ]

    ok = run(write_table(tmp_path, "csv", headers, rows[:1], name="ok"), service_staff, kind="employers")
    assert ok.ok, ok.errors
    employer = Employer.objects.get(external_id="emp-imp-1")
    assert employer.credit_code == good
    assert employer.is_stable_employment_base


def test_providers_import_admin_only(tmp_path, admin, service_staff):
    from backend.common.errors import PermissionDenied

    headers = ["外部编号", "机构名称", "机构类型", "所在区县", "已认定"]
    rows = [["prov-imp-9", "英德市技工学校", "技工院校", "英德市", "true"]]
    path = write_table(tmp_path, "xlsx", headers, rows)
    with pytest.raises(PermissionDenied):
        run(path, service_staff, kind="providers")
    result = run(path, admin, kind="providers")
    assert result.ok, result.errors
    provider = Provider.objects.get(external_id="prov-imp-9")
    assert (provider.kind, provider.county_id, provider.verified) == ("technical_school", "441881", True)
