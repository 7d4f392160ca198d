from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.accounts.models import User
from backend.common.errors import PermissionDenied
from backend.imports.services import SYSTEM, import_file
from backend.jobs.models import Posting
from tests.factories import EmployerFactory, PostingFactory, UserFactory

from .helpers import POSTING_HEADERS, PROGRAM_HEADERS, posting_row, program_row, write_table

pytestmark = pytest.mark.django_db


def run(path, actor, kind):
    return import_file(path_or_file=path, kind=kind, actor=actor, filename=path.name)


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("worker", "postings"),
        ("worker", "workers"),
        ("anonymous", "programs"),
        ("provider_staff", "postings"),
        ("employer_staff", "programs"),
        ("employer_staff", "employers"),
        ("service_staff", "programs"),
        ("service_staff", "sessions"),
        ("service_staff", "providers"),
    ],
)
def test_kinds_a_role_may_not_import(tmp_path, role, kind, provider_staff, employer_staff, service_staff):
    actor = {
        "worker": lambda: UserFactory(role=User.Role.WORKER),
        "anonymous": AnonymousUser,
        "provider_staff": lambda: provider_staff,
        "employer_staff": lambda: employer_staff,
        "service_staff": lambda: service_staff,
    }[role]()
    path = write_table(tmp_path, "csv", ["外部编号"], [["x"]])
    with pytest.raises(PermissionDenied) as caught:
        run(path, actor, kind)
    assert caught.value.code == "permission_denied"


def test_employer_staff_only_their_own_employers_postings(tmp_path, employer_staff, employer):
    other = EmployerFactory(external_id="emp-other")
    theirs = PostingFactory(external_id="post-theirs", employer=other)
    rows = [
        posting_row(1, employer.external_id),
        posting_row(2, other.external_id),
        posting_row(3, employer.external_id, 外部编号=theirs.external_id),
    ]
    result = run(write_table(tmp_path, "csv", POSTING_HEADERS, rows), employer_staff, "postings")
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "单位编号", "forbidden_employer"),
        (4, "外部编号", "forbidden_employer"),
    ]
    assert not Posting.objects.filter(external_id="post-imp-1").exists()


def test_service_staff_postings_only_in_covered_counties(tmp_path, service_staff, employer):
    far = EmployerFactory(external_id="emp-far", county_id="441802")
    rows = [
        posting_row(1, employer.external_id),
        posting_row(2, employer.external_id, 区县代码="441802"),
        posting_row(3, far.external_id, 区县代码=None),  # the employer's county, not covered
    ]
    result = run(write_table(tmp_path, "xlsx", POSTING_HEADERS, rows), service_staff, "postings")
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "区县代码", "forbidden_division"),
        (4, "单位编号", "forbidden_division"),
    ]
    ok = run(write_table(tmp_path, "xlsx", POSTING_HEADERS, rows[:1], name="ok"), service_staff, "postings")
    assert ok.ok, ok.errors


def test_admin_and_system_import_for_any_provider(tmp_path, admin, provider):
    rows = [program_row(1, provider.external_id)]
    assert run(write_table(tmp_path, "csv", PROGRAM_HEADERS, rows), admin, "programs").ok
    rows = [program_row(2, provider.external_id)]
    assert run(write_table(tmp_path, "csv", PROGRAM_HEADERS, rows, name="b"), SYSTEM, "programs").ok


def test_only_an_admin_gives_a_posting_to_another_employer(tmp_path, service_staff, admin, employer):
    """The same rule as `posting_update`: service staff may edit the posting, not change its employer."""
    posting = PostingFactory(external_id="post-moving", employer=employer)
    EmployerFactory(external_id="emp-next", county_id="441881")
    rows = [posting_row(1, "emp-next", 外部编号=posting.external_id)]

    refused = run(write_table(tmp_path, "csv", POSTING_HEADERS, rows), service_staff, "postings")
    assert [(e.row, e.column, e.code) for e in refused.errors] == [(2, "单位编号", "forbidden_transfer")]

    moved = run(write_table(tmp_path, "csv", POSTING_HEADERS, rows, name="admin"), admin, "postings")
    assert moved.ok, moved.errors
    posting.refresh_from_db()
    assert posting.employer.external_id == "emp-next"
