"""`manage.py rotate_field_key`: every encrypted value moves to the newest key, in batches, resumably."""

import io

import pytest
from django.core.management import CommandError, call_command

from backend.common import crypto
from backend.common.key_rotation import field_key_rotate
from backend.workers.models import WorkerProfile
from tests.factories import WorkerProfileFactory

pytestmark = pytest.mark.django_db

OLD = "the-old-field-key-0123456789abcdefghijklmnop"
NEW = "the-new-field-key-0123456789abcdefghijklmnop"


@pytest.fixture
def under_old_key(settings):
    """Seven workers encrypted under the old key, one without a number; then a new key first."""
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    workers = WorkerProfileFactory.create_batch(7)
    without = WorkerProfileFactory()
    without.set_id_number("")
    without.save()
    numbers = {w.pk: w.reveal_id_number() for w in workers}
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    return numbers


def _tokens() -> dict[int, str]:
    return dict(
        WorkerProfile.objects.exclude(id_number_encrypted="").values_list("pk", "id_number_encrypted")
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_field_key", *args, stdout=out)
    return out.getvalue()


def test_rotate_field_key_re_encrypts_every_row_under_the_newest_key(settings, under_old_key):
    stamps = dict(WorkerProfile.objects.values_list("pk", "updated_at"))
    report = _run("--batch-size", "3")
    assert "7 scanned, 7 re-encrypted, 0 skipped (already under the newest key), 0 failed" in report
    assert "rows/s" in report
    assert all(crypto.is_under_newest_key(t) for t in _tokens().values())
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key can go now
    assert {w.pk: w.reveal_id_number() for w in WorkerProfile.objects.exclude(id_number_encrypted="")} == (
        under_old_key
    )
    assert dict(WorkerProfile.objects.values_list("pk", "updated_at")) == stamps  # not an edit


def test_rotate_field_key_dry_run_counts_and_writes_nothing(under_old_key):
    before = _tokens()
    report = _run("--dry-run")
    assert "7 scanned, 7 re-encrypted" in report
    assert "dry run: nothing written" in report
    assert _tokens() == before


def test_rotate_field_key_interrupted_resumes_and_skips_what_is_done(under_old_key):
    class Interrupted(Exception):
        pass

    def stop_after_first_batch(counts):
        raise Interrupted

    with pytest.raises(Interrupted):
        field_key_rotate(batch_size=3, on_batch=stop_after_first_batch)
    done = [pk for pk, t in _tokens().items() if crypto.is_under_newest_key(t)]
    assert len(done) == 3  # the first batch committed before the interruption

    report = _run("--batch-size", "3")
    assert "7 scanned, 4 re-encrypted, 3 skipped" in report
    assert "7 scanned, 0 re-encrypted, 7 skipped" in _run()  # and again: nothing left to do


def test_rotate_field_key_reports_rows_no_key_opens_and_leaves_them(settings, under_old_key):
    WorkerProfileFactory()  # under the new key
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key lost before its rows moved
    before = _tokens()
    with pytest.raises(CommandError, match="7 values open under no configured key") as failure:
        _run()
    assert str(sorted(under_old_key)[0]) in str(failure.value)  # named by primary key
    assert _tokens() == before
    report = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rotate_field_key", stdout=report)
    assert (
        "8 scanned, 0 re-encrypted, 1 skipped (already under the newest key), 7 failed" in report.getvalue()
    )


def test_rotate_field_key_refuses_a_batch_size_under_one():
    with pytest.raises(CommandError):
        _run("--batch-size", "0")
