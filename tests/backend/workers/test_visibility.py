"""Issue 16, over-broad reads: how much of a worker's contact each viewer sees is decided by the
viewer's relation to the worker (backend/workers/visibility.py), not by the worker's consent
alone."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.workers.visibility import sees_whole_contact, worker_contact_for
from tests import factories as f

pytestmark = pytest.mark.django_db
X, Y = "441881", "440281"


@pytest.fixture
def application():
    """A worker of county X, who agreed to be referred to employers, applied to a posting in Y."""
    worker = f.WorkerProfileFactory(current_division=f.division(X), consent_share_with_employers=True)
    employer = f.EmployerFactory(county=f.division(Y))
    return f.ApplicationFactory(
        worker=worker, posting=f.PostingFactory(employer=employer, division=f.division(Y))
    )


def _staff(*counties):
    return f.UserFactory(
        role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=list(counties))
    )


def _mobile_seen_by(user, application):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/applications/{application.pk}/")
    assert response.status_code == 200, response.content[:200]
    return response.json()["worker"]["mobile"]


def test_staff_of_another_county_sees_the_applicant_mobile_masked(application):
    """Staff of the posting's county see the application, but the worker lives elsewhere."""
    worker = application.worker
    assert _mobile_seen_by(_staff(Y), application) == worker.mobile_masked


def test_staff_of_the_workers_county_see_the_applicant_mobile_whole(application):
    assert _mobile_seen_by(_staff(X), application) == application.worker.mobile


def test_the_employer_of_the_application_sees_the_mobile_whole_only_with_consent(application):
    employer_staff = f.UserFactory(role=User.Role.EMPLOYER_STAFF, employer=application.posting.employer)
    assert _mobile_seen_by(employer_staff, application) == application.worker.mobile
    application.worker.consent_share_with_employers = False
    application.worker.save(update_fields=["consent_share_with_employers"])
    assert _mobile_seen_by(employer_staff, application) == application.worker.mobile_masked


def test_another_employer_gets_nothing_whole_even_with_consent(application):
    """The helper itself: the relation counts, not the consent (another employer, any other
    application, or a role that may appear later)."""
    worker = application.worker
    other_employer = f.UserFactory(role=User.Role.EMPLOYER_STAFF, employer=f.EmployerFactory())
    other_application = f.ApplicationFactory(worker=f.WorkerProfileFactory(), posting=application.posting)
    employer_staff = f.UserFactory(role=User.Role.EMPLOYER_STAFF, employer=application.posting.employer)
    assert not sees_whole_contact(other_employer, worker, application=application)
    assert not sees_whole_contact(employer_staff, worker, application=other_application)  # not this worker's
    assert not sees_whole_contact(employer_staff, worker)  # no application: no relation
    others = [
        f.UserFactory(role=User.Role.PROVIDER_STAFF, provider=f.ProviderFactory()),
        f.UserFactory(role=User.Role.SECURITY_ADMIN),
        f.UserFactory(role=User.Role.AUDITOR),
    ]
    for viewer in others:
        contact = worker_contact_for(viewer, worker, application=application)
        assert (contact.whole, contact.mobile) == (False, worker.mobile_masked), viewer.role


def test_the_worker_and_an_admin_see_it_whole(application):
    worker = application.worker
    assert worker_contact_for(worker.user or f.UserFactory(role=User.Role.ADMIN), worker).whole
    own = f.UserFactory(role=User.Role.WORKER)
    worker.user = own
    worker.save(update_fields=["user"])
    assert worker_contact_for(own, worker, application=application).mobile == worker.mobile
