"""The outbox on the embedded default (SQLite, eager Celery): a task is recorded with its write,
sent after commit, kept and retried with backoff when it cannot be sent or fails, and never turns
a committed write into an error."""

from __future__ import annotations

import datetime as dt

import pytest
from celery import signals
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.jobs import services as jobs
from backend.jobs.models import Posting
from backend.outbox.idempotency import idempotency_records_prune
from backend.outbox.models import IdempotencyRecord, OutboxMessage
from backend.outbox.services import outbox_enqueue, outbox_prune, outbox_relay, retry_delay
from search.query import Kind, SearchQuery
from search.services import reset_backend, search_run
from tests import factories as f
from tests.celery_worker import broker_unreachable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def index(settings, tmp_path):
    settings.SEARCH_FTS5_PATH = str(tmp_path / "search.sqlite3")
    reset_backend()
    yield
    reset_backend()


@pytest.fixture
def admin() -> User:
    user = f.UserFactory(role=User.Role.ADMIN)
    user.save()
    return user


@pytest.fixture
def client(admin) -> APIClient:
    api = APIClient()
    api.force_authenticate(admin)
    return api


def posting_body(employer, title: str = "叉车司机") -> dict[str, object]:
    return {"employer": employer.pk, "title": title, "occupation": f.occupation().slug,
            "headcount": 3, "wage_min": 4000, "wage_max": 6000}  # fmt: skip


def indexed(text: str) -> set[int]:
    query = SearchQuery(text=text, kinds=(Kind.JOB,), page_size=50, published_only=False)
    return {hit.id for hit in search_run(query=query).hits}


def make_due() -> None:
    OutboxMessage.objects.filter(sent_at__isnull=True).update(
        available_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_a_committed_write_is_recorded_and_relayed_after_commit(admin, django_capture_on_commit_callbacks):
    posting = f.PostingFactory(title="仓库管理员")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        jobs.posting_update(actor=admin, posting=posting, data={"title": "电焊工"})
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.sent_at) == (
        "search.refresh_index",
        ["job", [posting.pk]],
        None,
    )

    for callback in pending:  # the commit
        callback()

    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 0
    assert posting.pk in indexed("电焊")


def test_a_rolled_back_write_leaves_no_outbox_row(admin, django_capture_on_commit_callbacks):
    posting = f.PostingFactory(title="仓库管理员")

    def write_then_fail() -> None:
        with transaction.atomic():
            jobs.posting_update(actor=admin, posting=posting, data={"title": "电焊工"})
            raise RuntimeError("the rest of the write failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        write_then_fail()
    assert not OutboxMessage.objects.exists()
    assert callbacks == []
    assert Posting.objects.get(pk=posting.pk).title == "仓库管理员"


def test_a_broker_outage_turns_committed_writes_into_500s_no_more(client, django_capture_on_commit_callbacks):
    employer = f.EmployerFactory()
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/postings/", posting_body(employer), format="json")
        assert response.status_code == 201, response.content
        published = client.post(f"/api/v1/postings/{response.json()['id']}/publish/", {}, format="json")
        assert published.status_code == 200, published.content

    for message in OutboxMessage.objects.all():
        assert (message.sent_at, message.attempts) == (None, 1)
        assert message.last_error.startswith("broker unreachable")
        assert message.available_at > timezone.now()  # backing off

    # The broker is back (tasks run in-process again); the beat relay finds them due.
    make_due()
    report = outbox_relay()

    assert (report.sent, report.failed) == (2, 0)
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert response.json()["id"] in indexed("叉车")


def test_a_failing_task_after_commit_still_gives_201(
    client, settings, tmp_path, django_capture_on_commit_callbacks, caplog
):
    """Eager Celery runs the index refresh in the request after commit; a corrupt index file
    makes it raise, which is recorded on the row and logged, never the answer."""
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"this is not an SQLite database " * 200)
    settings.SEARCH_FTS5_PATH = str(corrupt)
    reset_backend()
    employer = f.EmployerFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/postings/", posting_body(employer), format="json")
        assert response.status_code == 201, response.content
        published = client.post(f"/api/v1/postings/{response.json()['id']}/publish/", {}, format="json")

    assert published.status_code == 200, published.content
    assert Posting.objects.get(pk=response.json()["id"]).status == Posting.Status.PUBLISHED
    for message in OutboxMessage.objects.all():
        assert (message.sent_at, message.attempts) == (None, 1)
        assert message.last_error.startswith("DatabaseError")
    assert any("search.refresh_index failed when run after commit" in r.getMessage() for r in caplog.records)

    # Once the index is repaired the retry goes through.
    settings.SEARCH_FTS5_PATH = str(tmp_path / "search.sqlite3")
    reset_backend()
    make_due()
    assert outbox_relay().sent == 2
    assert response.json()["id"] in indexed("叉车")


def test_failed_sends_back_off_exponentially_up_to_a_minute():
    assert [retry_delay(n).total_seconds() for n in range(1, 8)] == [5, 10, 20, 40, 60, 60, 60]


def enqueue_while_the_broker_is_down(capture, *ids: int) -> None:
    """One committed refresh per id, each failing to reach the broker after its commit."""
    with broker_unreachable(), capture(execute=True):
        for pk in ids:
            outbox_enqueue(task="search.refresh_index", args=["job", [pk]])


def test_a_backing_off_row_is_not_relayed_before_it_is_due(django_capture_on_commit_callbacks):
    enqueue_while_the_broker_is_down(django_capture_on_commit_callbacks, 1)
    assert OutboxMessage.objects.get().attempts == 1

    assert outbox_relay().sent == 0  # not due for 5 s
    make_due()
    with broker_unreachable():
        assert outbox_relay().failed == 1
    again = OutboxMessage.objects.get()
    assert again.attempts == 2
    assert again.available_at - timezone.now() > dt.timedelta(seconds=8)  # 10 s after the second failure


def test_a_batch_taken_by_one_relay_is_not_taken_by_another(django_capture_on_commit_callbacks):
    from backend.outbox.services import _take_due

    enqueue_while_the_broker_is_down(django_capture_on_commit_callbacks, 1, 2, 3)
    make_due()
    assert len(_take_due(10)) == 3
    assert _take_due(10) == []  # leased to the first relay


def test_repeated_index_refreshes_of_a_kind_are_sent_as_one(django_capture_on_commit_callbacks):
    postings = [f.PostingFactory(title=f"焊工{n}") for n in range(3)]
    enqueue_while_the_broker_is_down(django_capture_on_commit_callbacks, *(p.pk for p in postings))
    make_due()
    ran: list[list] = []

    def seen(sender=None, args=None, **_):
        ran.append([sender.name, *args])

    signals.task_prerun.connect(seen, weak=False)
    try:
        report = outbox_relay()
    finally:
        signals.task_prerun.disconnect(seen)

    assert report.sent == 3
    assert ran == [["search.refresh_index", "job", sorted(p.pk for p in postings)]]
    assert {p.pk for p in postings} <= indexed("焊工")


def test_sent_rows_and_old_idempotency_records_are_pruned(admin):
    now = timezone.now()
    old_sent = OutboxMessage.objects.create(task="t", available_at=now, sent_at=now - dt.timedelta(hours=25))
    recent = OutboxMessage.objects.create(task="t", available_at=now, sent_at=now - dt.timedelta(hours=1))
    unsent = OutboxMessage.objects.create(task="t", available_at=now - dt.timedelta(days=3))
    old_key = IdempotencyRecord.objects.create(user=admin, key="a", request="POST /", fingerprint="x")
    IdempotencyRecord.objects.filter(pk=old_key.pk).update(created_at=now - dt.timedelta(hours=25))
    new_key = IdempotencyRecord.objects.create(user=admin, key="b", request="POST /", fingerprint="x")

    assert outbox_prune() == 1
    assert idempotency_records_prune() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [new_key.pk]
    assert old_sent.pk not in set(OutboxMessage.objects.values_list("pk", flat=True))
