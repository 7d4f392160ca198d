from __future__ import annotations

import pytest
from django.utils import translation

from backend.imports.tasks import run_import

from .helpers import posting_row
from .test_jobs import make_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_report_is_stored_in_the_default_language_whoever_asked(tmp_path, admin):
    job = make_job(tmp_path, admin, [posting_row(1, "no-such-employer")])
    with translation.override("en"):  # an eager run inside an English request
        assert run_import(job.pk) == "failed"
    job.refresh_from_db()
    assert "未找到外部编号为「no-such-employer」的用人单位(须先导入用人单位)。" in str(job.errors)
