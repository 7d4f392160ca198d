"""/staff/deletion-requests/: staff of the worker's county confirm or refuse; others never see them."""

from __future__ import annotations

import pytest

from backend.accounts.models import User
from backend.workers import deletion
from backend.workers.models import DeletionRequest, WorkerProfile
from tests import factories as f

pytestmark = pytest.mark.django_db
X, Y = "441881", "440281"


@pytest.fixture
def requests_xy(make_user):
    made = {}
    for code in (X, Y):
        user = make_user(role=User.Role.WORKER)
        worker = f.WorkerProfileFactory(user=user, current_division=f.division(code), name=f"申请人{code}")
        made[code] = deletion.deletion_request_create(actor=user, worker=worker)
    return made


@pytest.fixture
def staff_x(make_user, client):
    user = make_user(role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=[X]))
    client.force_login(user)
    return user


def test_staff_see_only_their_countys_requests_masked(client, staff_x, requests_xy):
    html = client.get("/staff/deletion-requests/").content.decode()
    worker = requests_xy[X].worker
    assert worker.name in html
    assert worker.mobile_masked in html
    assert worker.mobile not in html
    assert worker.reveal_id_number() not in html
    assert requests_xy[Y].worker.name not in html


def test_confirming_anonymises_and_another_countys_request_is_a_404(client, staff_x, requests_xy):
    other = client.post("/staff/deletion-requests/", {"action": "confirm", "id": requests_xy[Y].pk})
    assert other.status_code == 404
    response = client.post("/staff/deletion-requests/", {"action": "confirm", "id": requests_xy[X].pk})
    assert response.status_code == 302
    assert WorkerProfile.objects.get(pk=requests_xy[X].worker_id).name == "已注销用户"
    assert WorkerProfile.objects.get(pk=requests_xy[Y].worker_id).anonymised_at is None


def test_a_refusal_without_reason_is_a_400_beside_the_field(client, staff_x, requests_xy):
    response = client.post(
        "/staff/deletion-requests/", {"action": "refuse", "id": requests_xy[X].pk, "reason": ""}
    )
    assert response.status_code == 400
    assert "请填写不予注销的原因" in response.content.decode()
    client.post(
        "/staff/deletion-requests/", {"action": "refuse", "id": requests_xy[X].pk, "reason": "投递办理中"}
    )
    assert DeletionRequest.objects.get(pk=requests_xy[X].pk).status == "refused"


def test_a_request_in_person_by_id_number(client, staff_x):
    worker = f.WorkerProfileFactory(current_division=f.division(X))
    response = client.post(
        "/staff/deletion-requests/",
        {"action": "in_person", "identity": "110101199003070000", "confirm": "on"},
    )
    assert response.status_code == 400
    assert "没有找到" in response.content.decode()
    response = client.post(
        "/staff/deletion-requests/", {"action": "in_person", "identity": worker.reveal_id_number()}
    )
    assert response.status_code == 400
    assert "请先勾选确认" in response.content.decode()
    response = client.post(
        "/staff/deletion-requests/",
        {"action": "in_person", "identity": worker.reveal_id_number(), "confirm": "on"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.anonymised_at is not None


@pytest.mark.parametrize("role", [User.Role.PROVIDER_STAFF, User.Role.EMPLOYER_STAFF, User.Role.WORKER])
def test_providers_employers_and_workers_get_the_403(client, make_user, role):
    kwargs = {User.Role.PROVIDER_STAFF: {"provider": f.ProviderFactory()},
              User.Role.EMPLOYER_STAFF: {"employer": f.EmployerFactory()}}.get(role, {})  # fmt: skip
    client.force_login(make_user(role=role, **kwargs))
    assert client.get("/staff/deletion-requests/").status_code == 403
