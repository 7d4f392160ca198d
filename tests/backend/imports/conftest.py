from __future__ import annotations

import pytest

from backend.accounts.models import User
from tests.factories import EmployerFactory, ProviderFactory, ServiceCentreFactory, UserFactory


@pytest.fixture
def admin():
    return UserFactory(role=User.Role.ADMIN)


@pytest.fixture
def employer():
    return EmployerFactory(external_id="emp-imp-1")


@pytest.fixture
def provider():
    return ProviderFactory(external_id="prov-imp-1")


@pytest.fixture
def provider_staff(provider):
    return UserFactory(role=User.Role.PROVIDER_STAFF, provider=provider)


@pytest.fixture
def employer_staff(employer):
    return UserFactory(role=User.Role.EMPLOYER_STAFF, employer=employer)


@pytest.fixture
def service_staff():
    """Covers 英德市 (441881) only."""
    return UserFactory(role=User.Role.SERVICE_STAFF, service_centre=ServiceCentreFactory(counties=["441881"]))
