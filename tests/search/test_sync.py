"""The index follows the database: after commit, through Celery; a sweep and reconcile repair drift."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from django.core.management import call_command

from backend.accounts.models import User
from backend.jobs import services as jobs
from search.query import Kind, SearchQuery
from search.services import get_backend, index_rebuild, index_reconcile, reset_backend, search_run
from search.tasks import reconcile, sweep
from tests import factories as f
from training import services as training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def index(tmp_path, settings):
    settings.SEARCH_FTS5_PATH = str(tmp_path / "sync.sqlite3")
    reset_backend()
    yield
    reset_backend()


def ids(kind: Kind, text: str = "") -> set[int]:
    return {h.id for h in search_run(query=SearchQuery(text=text, kinds=(kind,), page_size=50)).hits}


@pytest.fixture
def admin():
    return f.UserFactory(role=User.Role.ADMIN)


def test_publishing_indexes_after_commit_and_filling_removes(admin, django_capture_on_commit_callbacks):
    posting = f.PostingFactory(title="叉车司机", status="draft", published_at=None)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        jobs.posting_publish(actor=admin, posting=posting)
    assert posting.pk not in ids(Kind.JOB)  # nothing is written before the transaction commits
    for callback in pending:
        callback()
    assert posting.pk in ids(Kind.JOB, "叉车")

    with django_capture_on_commit_callbacks(execute=True):
        jobs.posting_set_status(actor=admin, posting=posting, status="filled")
    assert posting.pk not in ids(Kind.JOB)


def test_editing_a_posting_reindexes_its_text(admin, django_capture_on_commit_callbacks):
    posting = f.PostingFactory(title="仓库管理员")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.posting_update(actor=admin, posting=posting, data={"title": "电焊工"})
    assert posting.pk in ids(Kind.JOB, "电焊")
    assert posting.pk not in ids(Kind.JOB, "仓库")


def test_closing_a_program_removes_it_and_a_new_session_updates_it(admin, django_capture_on_commit_callbacks):
    program = f.ProgramFactory(title="中式面点培训")
    program.skills.set(program.occupation.skills.all()[:2])
    start = dt.date.today() + dt.timedelta(days=9)
    with django_capture_on_commit_callbacks(execute=True):
        training.session_create(
            actor=admin, data={"program": program, "external_id": "s-x", "start_date": start,
                               "end_date": start + dt.timedelta(days=20), "seats": 10},
        )  # fmt: skip
    (hit,) = search_run(query=SearchQuery(kinds=(Kind.TRAINING,))).hits
    assert hit.fields["next_start"] == start.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        training.program_close(actor=admin, program=program)
    assert program.pk not in ids(Kind.TRAINING)


def test_expiry_removes_from_the_index(django_capture_on_commit_callbacks):
    posting = f.PostingFactory(expires_on=dt.date.today() + dt.timedelta(days=3))
    index_rebuild()
    assert posting.pk in ids(Kind.JOB)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.posting_expire_due(today=dt.date.today() + dt.timedelta(days=10)) == 1
    assert posting.pk not in ids(Kind.JOB)


def test_reconcile_reports_and_repairs_drift():
    kept, lost, gone = f.PostingFactory(), f.PostingFactory(), f.PostingFactory()
    index_rebuild()
    get_backend().delete(Kind.JOB, [lost.pk])  # a task that never ran
    type(gone).objects.filter(pk=gone.pk).update(status="filled")  # changed behind the index's back
    assert index_reconcile(repair=False)["job"] == {
        "database": 2,
        "index": 2,
        "missing": 1,
        "extra": 1,
        "stale": 0,
    }
    index_reconcile(repair=True)
    assert index_reconcile(repair=False)["job"] == {
        "database": 2,
        "index": 2,
        "missing": 0,
        "extra": 0,
        "stale": 0,
    }
    assert ids(Kind.JOB) == {kept.pk, lost.pk}


def test_reconcile_rewrites_stale_documents():
    posting, untouched = f.PostingFactory(title="保安员"), f.PostingFactory(title="仓库管理员")
    program = f.ProgramFactory(title="中式面点培训")
    index_rebuild()
    # Changed behind the indexer's back: the row itself, and a row its document shows (the provider's name).
    type(posting).objects.filter(pk=posting.pk).update(title="快递员")
    type(program.provider).objects.filter(pk=program.provider_id).update(name="新名字职业培训学校")
    before = {kind: get_backend().hashes(kind) for kind in Kind}

    report = index_reconcile(repair=False)
    assert report["job"] == {"database": 2, "index": 2, "missing": 0, "extra": 0, "stale": 1}
    assert report["training"]["stale"] == 1
    assert posting.pk in ids(Kind.JOB, "保安")  # a dry run writes nothing

    index_reconcile(repair=True)
    assert posting.pk in ids(Kind.JOB, "快递")
    assert posting.pk not in ids(Kind.JOB, "保安")
    assert program.pk in ids(Kind.TRAINING, "新名字")
    after = {kind: get_backend().hashes(kind) for kind in Kind}
    assert after[Kind.JOB][untouched.pk] == before[Kind.JOB][untouched.pk]
    assert after[Kind.JOB][posting.pk] != before[Kind.JOB][posting.pk]
    assert {r["stale"] for r in index_reconcile(repair=False).values()} == {0}


def test_the_sweep_compares_ids_only_and_the_daily_reconcile_content():
    posting = f.PostingFactory(title="保安员")
    index_rebuild()
    type(posting).objects.filter(pk=posting.pk).update(
        title="快递员", updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )

    assert sweep.delay().get()["job"]["stale"] == 0  # not looked for: the sweep builds no documents
    assert posting.pk in ids(Kind.JOB, "保安")
    assert reconcile.delay().get()["job"]["stale"] == 1
    assert posting.pk in ids(Kind.JOB, "快递")


def test_an_index_file_from_before_content_hashes_keeps_its_documents_and_is_rewritten(settings):
    posting = f.PostingFactory(title="保安员")
    index_rebuild()
    path = settings.SEARCH_FTS5_PATH
    reset_backend()
    with sqlite3.connect(path) as old:  # what schema version 2 wrote: no hash table
        old.executescript("DROP TRIGGER docs_ad_hash; DROP TABLE content_hashes; PRAGMA user_version = 2;")

    assert get_backend().hashes(Kind.JOB) == {posting.pk: ""}
    assert posting.pk in ids(Kind.JOB, "保安")  # still searchable, not emptied
    assert index_reconcile(repair=True)["job"]["stale"] == 1
    assert index_reconcile(repair=False)["job"]["stale"] == 0


def test_sweep_reindexes_recent_changes_missed_by_the_tasks():
    posting = f.PostingFactory(title="保安员")
    index_rebuild()
    type(posting).objects.filter(pk=posting.pk).update(title="快递员")  # no service, no task
    report = sweep.delay().get()
    assert report["refreshed"]["job"] >= 1
    assert posting.pk in ids(Kind.JOB, "快递")


def test_search_index_command(capsys):
    f.PostingFactory(), f.ProgramFactory()
    call_command("search_index", "rebuild")
    assert "rebuilt 2 documents" in capsys.readouterr().out
    call_command("search_index", "stats")
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == {"job": 1, "training": 1}
    call_command("search_index", "reconcile", "--dry-run")
    assert "no drift" in capsys.readouterr().out
