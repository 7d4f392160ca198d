"""The employer and provider imports set every column (credit code, county, badge, 认定) without
the services' field check: only roles that may set all of them may import those kinds, so a file
is no way round the per-field rule (issue 16)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from backend.imports.policies import KIND_ROLES
from backend.jobs.policies import employer_fields_reserved
from training.policies import provider_fields_reserved


@pytest.mark.parametrize(
    ("kind", "reserved_for"),
    [("employers", employer_fields_reserved), ("providers", provider_fields_reserved)],
)
def test_only_roles_that_may_set_the_record_fields_import_them(kind, reserved_for):
    for role in KIND_ROLES[kind]:
        assert reserved_for(SimpleNamespace(role=role, is_authenticated=True, is_superuser=False)) == (), role
