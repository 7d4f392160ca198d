"""The whole OpenAPI schema, fuzzed: every operation, anonymous and as each role, through the
real WSGI application (middleware, authentication, throttles, exception handler) on the test
database. No generated request may get a 5xx, and every answer must be one the schema documents:
its status, its content type, its body (the Error component for failures) and its headers.

Examples are bounded (SCHEMA_FUZZ_EXAMPLES, default 5 per operation and role, on top of
schemathesis' coverage cases) and derandomised, so a run is repeatable; SCHEMA_FUZZ_ROLES
narrows the roles. CI runs every role in both passes, with fewer examples on PostgreSQL (.ci/run).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.accounts.services import api_token_create

from .test_permission_matrix import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "5"))
ALL_ROLES = (
    "anonymous",
    "worker_a",
    "provider_a",
    "employer_a",
    "staff_x",
    "admin",
    "security_admin",
    "auditor",
)
ROLES = tuple(os.environ.get("SCHEMA_FUZZ_ROLES", ",".join(ALL_ROLES)).split(","))
# Schemathesis' coverage phase sends every boundary and wrong-type value of every parameter and
# body field in each media type (about 150 requests per operation, whatever EXAMPLES says), so it
# runs for the role that gets furthest past the permission checks into validation.
COVERAGE_ROLES = tuple(filter(None, os.environ.get("SCHEMA_FUZZ_COVERAGE_ROLES", "admin").split(",")))
SEED = int(os.environ.get("SCHEMA_FUZZ_SEED", "14"))  # fixed: a run is repeatable
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
OPENAPI = SchemaGenerator().get_schema(request=None, public=True)
APP = get_wsgi_application()
calls: Counter[str] = Counter()  # requests sent, by schemathesis phase


def _schema(*phases: str) -> schemathesis.schemas.BaseSchema:
    enabled = {phase: {"enabled": phase in phases} for phase in ("examples", "coverage", "fuzzing")}
    schema = schemathesis.openapi.from_dict(
        OPENAPI, config=schemathesis.Config.from_dict({"seed": SEED, "phases": enabled})
    )
    schema.app = APP
    return schema


generated = _schema("examples", "fuzzing")
boundaries = _schema("coverage")


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
def tokens(django_db_setup, django_db_blocker, request) -> Iterator[dict[str, str | None]]:
    """The permission matrix's world, built once for the module inside a transaction that is
    rolled back at its end; each test's own transaction nests in it (a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield {
            role: None if user is None else api_token_create(user=user, name="schema fuzz")[1]
            for role, user in world.users.items()
            if role in ROLES + COVERAGE_ROLES
        }
        transaction.set_rollback(True)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # the request count, for the CI time budget
        phases = ", ".join(f"{phase} {count}" for phase, count in sorted(calls.items()))
        roles, coverage = ",".join(ROLES), ",".join(COVERAGE_ROLES)
        print(
            f"\nschema fuzz: {calls.total()} requests ({phases}); {EXAMPLES} examples: {roles}; coverage: {coverage}"
        )


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found, in bounded time
)


def _call(case, role, tokens) -> None:
    # GZipMiddleware compresses for clients that accept it; the WSGI transport does not decompress.
    headers = {"Accept-Encoding": "identity"}
    if tokens[role] is not None:
        headers["Authorization"] = f"Token {tokens[role]}"
    calls[case.meta.phase.name if case.meta else "explicit"] += 1
    case.call_and_validate(headers=headers, checks=CHECKS)


@pytest.mark.parametrize("role", ROLES)
@generated.parametrize()
@HYPOTHESIS
def test_generated_requests_get_documented_answers(case, role, tokens):
    _call(case, role, tokens)


@pytest.mark.parametrize("role", COVERAGE_ROLES)
@boundaries.parametrize()
@HYPOTHESIS
def test_boundary_requests_get_documented_answers(case, role, tokens):
    _call(case, role, tokens)
