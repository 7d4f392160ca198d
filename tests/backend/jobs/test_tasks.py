import datetime as dt

import pytest

from backend.jobs.models import Posting
from backend.jobs.tasks import expire_due_postings
from tests.celery_worker import real_worker, wait_until
from tests.factories import PostingFactory


@pytest.mark.django_db
def test_expire_due_postings_unpublishes_only_past_closing_date():
    past = PostingFactory(expires_on=dt.date.today() - dt.timedelta(days=1))
    today = PostingFactory(expires_on=dt.date.today())
    assert expire_due_postings.delay().get() == 1
    past.refresh_from_db()
    today.refresh_from_db()
    assert past.status == Posting.Status.EXPIRED
    assert today.status == Posting.Status.PUBLISHED


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_expiry_runs_on_a_real_worker_against_the_same_database():
    posting = PostingFactory(expires_on=dt.date.today() - dt.timedelta(days=3))
    with real_worker():
        expire_due_postings.delay()
        wait_until(
            lambda: Posting.objects.get(pk=posting.pk).status == Posting.Status.EXPIRED,
            what="the worker to expire the posting",
        )
