"""The whole OpenAPI schema, fuzzed: every operation, anonymous and as each role, through the
real WSGI application (middleware, authentication, throttles, exception handler) on the test
database. No generated request may get a 5xx.

Examples are bounded (SCHEMA_FUZZ_EXAMPLES, default 8 per operation and role) and derandomised,
so a run is repeatable; CI runs it in both passes (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from .test_permission_matrix import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "8"))
ROLES = ("anonymous", "worker_a", "provider_a", "employer_a", "staff_x", "admin")

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture
def tokens() -> dict[str, str | None]:
    world = build_world()
    return {
        role: None if user is None else Token.objects.get_or_create(user=user)[0].key
        for role, user in world.users.items()
        if role in ROLES
    }


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
