"""Fault tests: a worker killed mid-run, a broker that is down, many staff approving at once.

They run in CI's second pass (PostgreSQL, Redis, a real Celery worker) and skip on a laptop
without those services, except where SQLite can stand in (the broker-down API test).
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.services import need


@pytest.fixture
def postgres() -> None:
    """Row locks and several connections at once: SQLite's single writer would prove nothing."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")
