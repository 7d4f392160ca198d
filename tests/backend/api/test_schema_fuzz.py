"""The whole OpenAPI schema, fuzzed: every operation, anonymous and as each role, through the
real WSGI application (middleware, authentication, throttles, exception handler) on the test
database. No generated request may get a 5xx.

Examples are bounded (SCHEMA_FUZZ_EXAMPLES, default 5 per operation and role) and derandomised,
so a run is repeatable; SCHEMA_FUZZ_ROLES narrows the roles. CI runs every role on SQLite and a
smaller budget on PostgreSQL (.ci/run), where each case costs about twice as much."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from .test_permission_matrix import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "5"))
ALL_ROLES = ("anonymous", "worker_a", "provider_a", "employer_a", "staff_x", "admin")
ROLES = tuple(os.environ.get("SCHEMA_FUZZ_ROLES", ",".join(ALL_ROLES)).split(","))

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """Django's handler closes the connection after each request (close_old_connections); inside
    the test's transaction that would close it for good on PostgreSQL. Django's test Client
    disconnects the same handlers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker) -> Iterator[dict[str, str | None]]:
    """The permission matrix's world, built once for the module inside a transaction that is
    rolled back at its end; each test's own transaction nests in it (a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield {
            role: None if user is None else Token.objects.get_or_create(user=user)[0].key
            for role, user in world.users.items()
            if role in ROLES
        }
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, role, tokens):
    headers = {} if tokens[role] is None else {"Authorization": f"Token {tokens[role]}"}
    case.call_and_validate(headers=headers, checks=[not_a_server_error])
