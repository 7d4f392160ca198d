from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from backend.jobs.models import Posting

from .helpers import POSTING_HEADERS, posting_row, write_table

pytestmark = pytest.mark.django_db


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_a_summary(tmp_path, employer):
    path = write_table(
        tmp_path, "csv", POSTING_HEADERS, [posting_row(i, employer.external_id) for i in range(3)]
    )
    out, _ = call(str(path), "--kind", "postings")
    assert "共3行" in out
    assert "新增3" in out
    out, _ = call(str(path), "--kind", "postings")
    assert "更新3" in out
    assert Posting.objects.filter(external_id__startswith="post-imp-").count() == 3


def test_command_prints_every_bad_row_and_fails(tmp_path, employer):
    rows = [
        posting_row(1, employer.external_id, 月薪上限=200000),
        posting_row(2, employer.external_id),
        posting_row(3, employer.external_id, 技能="电焊、隐身术"),
    ]
    path = write_table(tmp_path, "xlsx", POSTING_HEADERS, rows)
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_catalogue", str(path), "--kind", "postings", stderr=err)
    assert "2行有错误" in str(caught.value)
    lines = err.getvalue().splitlines()
    assert lines == [
        "第2行 [月薪上限] wage_out_of_range: 月薪应在1000至100000元之间。",
        "第4行 [技能] unknown_skill: 未找到技能「隐身术」。",
    ]
    assert not Posting.objects.filter(external_id__startswith="post-imp-").exists()


def test_command_as_a_user_and_dry_run(tmp_path, employer, employer_staff, provider_staff):
    path = write_table(tmp_path, "jsonl", POSTING_HEADERS, [posting_row(1, employer.external_id)])
    out, _ = call(str(path), "--kind", "postings", "--as", employer_staff.username, "--dry-run")
    assert "校验通过" in out
    assert not Posting.objects.filter(external_id="post-imp-1").exists()
    with pytest.raises(CommandError, match="permission_denied"):
        call(str(path), "--kind", "postings", "--as", provider_staff.username)
    with pytest.raises(CommandError, match="不存在"):
        call(str(path), "--kind", "postings", "--as", "nobody-here")
    with pytest.raises(CommandError, match=r"file_not_found"):
        call(str(tmp_path / "missing.csv"), "--kind", "postings")
