from __future__ import annotations

import pytest

from backend.accounts.models import User
from search.services import index_rebuild, reset_backend
from tests import factories as f


@pytest.fixture
def search_index(tmp_path, settings):
    """A throwaway index file; call the returned function after creating rows to index them."""
    settings.SEARCH_FTS5_PATH = str(tmp_path / "web-search.sqlite3")
    reset_backend()
    yield index_rebuild
    reset_backend()


@pytest.fixture
def make_user(db):
    """UserFactory, with the password saved (the factory skips the save after set_password, and a
    session whose password hash differs from the stored one is logged out)."""

    def make(**kwargs):  # type: ignore[no-untyped-def]
        user = f.UserFactory(**kwargs)
        user.save()
        return user

    return make


@pytest.fixture
def worker(make_user):
    """A worker login (password pw-test-123) with a profile living in 英德市 (441881)."""
    user = make_user(role=User.Role.WORKER, display_name="阿明")
    f.WorkerProfileFactory(user=user)
    return user


@pytest.fixture
def worker_client(client, worker):
    client.force_login(worker)
    return client
