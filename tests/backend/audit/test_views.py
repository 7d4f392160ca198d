"""The audit log page (/audit/) and API (/api/v1/audit/entries/): the auditor alone, read only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.audit import services
from backend.audit.models import Entry
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGE = "/audit/"
API = "/api/v1/audit/entries/"
R = User.Role


@pytest.fixture
def auditor():
    return saved(f.UserFactory(role=R.AUDITOR, username="auditor1"))


def saved(user: User) -> User:
    """The factory skips the save after set_password; a session with another hash is logged out."""
    user.save()
    return user


def everyone_else() -> dict[str, User]:
    centre = f.ServiceCentreFactory()
    return {
        "worker": f.UserFactory(role=R.WORKER),
        "provider_staff": f.UserFactory(role=R.PROVIDER_STAFF, provider=f.ProviderFactory()),
        "employer_staff": f.UserFactory(role=R.EMPLOYER_STAFF, employer=f.EmployerFactory()),
        "service_staff": f.UserFactory(role=R.SERVICE_STAFF, service_centre=centre),
        "admin": f.UserFactory(role=R.ADMIN),
        "security_admin": f.UserFactory(role=R.SECURITY_ADMIN),
        # a superuser counts as admin (role_of), whatever its role field says: 等保 separation
        "superuser_auditor": f.UserFactory(role=R.AUDITOR, is_superuser=True, is_staff=True),
    }


def test_only_the_auditor_opens_the_page_and_the_api(auditor):
    services.record(action="export", detail={"table": "counties"})
    for name, user in everyone_else().items():
        web, api = Client(), APIClient()
        web.force_login(saved(user))
        api.force_authenticate(user)
        assert web.get(PAGE).status_code == 403, name
        response = api.get(API)
        assert response.status_code == 403, name
        assert set(response.json()) == {"code", "message", "fields"}
    web, api = Client(), APIClient()
    web.force_login(auditor)
    api.force_authenticate(auditor)
    assert web.get(PAGE).status_code == 200
    assert api.get(API).status_code == 200


def test_anonymous_is_sent_to_login_or_gets_401():
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert APIClient().get(API).status_code == 401


def test_the_log_is_read_only(auditor):
    api = APIClient()
    api.force_authenticate(auditor)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api, method)(API, {}, format="json").status_code == 405
    web = Client()
    web.force_login(auditor)
    assert web.post(PAGE).status_code in (403, 405)  # no form on the page: CSRF refuses first


def test_the_log_is_not_in_the_django_admin():
    superuser = saved(f.UserFactory(role=R.ADMIN, is_superuser=True, is_staff=True))
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/audit/entry/").status_code == 404
    assert client.get("/admin/auditlog/logentry/").status_code == 404


def test_api_filters_newest_first_and_masked(auditor):
    staff = f.UserFactory(role=R.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(), username="staffer")
    worker = f.WorkerProfileFactory(mobile="13912345678")
    old = services.record(action="export", actor=staff, detail={"table": "brands"})
    Entry.objects.filter(pk=old.pk)  # written now; make an older one explicitly:
    older = Entry(event="login", action=Entry.Action.ACCESS, actor=staff,
                  timestamp=timezone.now() - dt.timedelta(days=10))  # fmt: skip
    older.save()
    reveal = services.record(action="id_reveal", actor=staff, target=worker)
    api = APIClient()
    api.force_authenticate(auditor)

    rows = api.get(API, {"actor": "staffer", "page_size": 100}).json()["results"]
    assert [r["id"] for r in rows] == [reveal.pk, old.pk, older.pk]  # newest first
    assert "13912345678" not in str(api.get(API, {"page_size": 100}).json())

    assert [r["id"] for r in api.get(API, {"event": "export", "actor": "staffer"}).json()["results"]] == [
        old.pk
    ]
    by_type = api.get(API, {"target_type": "workers.workerprofile", "event": "id_reveal"}).json()["results"]
    assert [r["id"] for r in by_type] == [reveal.pk]
    assert by_type[0]["target_type"] == "workers.workerprofile"
    assert by_type[0]["actor_role"] == "service_staff"
    today = timezone.localdate()
    recent = api.get(API, {"actor": "staffer", "date_from": str(today - dt.timedelta(days=1))}).json()[
        "results"
    ]
    assert older.pk not in [r["id"] for r in recent]
    window = {"actor": "staffer", "date_from": str(today - dt.timedelta(days=11)),
              "date_to": str(today - dt.timedelta(days=9))}  # fmt: skip
    assert [r["id"] for r in api.get(API, window).json()["results"]] == [older.pk]


@pytest.mark.parametrize(
    "params",
    [{"date_from": "yesterday"}, {"event": "nope"}, {"target_type": "auth.group"},
     {"date_from": "2025-02-01", "date_to": "2025-01-01"}],
)  # fmt: skip
def test_bad_filters_are_400_with_field_messages(auditor, params):
    api = APIClient()
    api.force_authenticate(auditor)
    response = api.get(API, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]
    web = Client()
    web.force_login(auditor)
    page = web.get(PAGE, params)
    assert page.status_code == 400
    assert 'class="field-error"' in page.content.decode()


def test_page_filters_and_paginates(auditor):
    for n in range(55):
        services.record(action="export", detail={"n": n})
    services.record(action="login", actor=auditor)
    web = Client()
    web.force_login(auditor)
    first = web.get(PAGE, {"event": "export"})
    html = first.content.decode()
    assert first.status_code == 200
    assert "共 55 条记录" in html
    assert "1 / 2" in html
    assert "登录</td>" not in html  # filtered out
    second = web.get(PAGE, {"event": "export", "page": 2})
    assert "{&quot;n&quot;: 0}" in second.content.decode()  # oldest last


def test_page_shows_masked_data_only(auditor):
    f.WorkerProfileFactory(mobile="13912345678", id_number=f.valid_id_number(8080))
    web = Client()
    web.force_login(auditor)
    html = web.get(PAGE).content.decode()
    assert "139****5678" in html
    assert "13912345678" not in html
    assert f.valid_id_number(8080) not in html


def test_export_of_the_filtered_view_is_itself_audited(auditor):
    services.record(action="export", detail={"table": "counties"})
    web = Client()
    web.force_login(auditor)
    before = Entry.objects.filter(event="export").count()
    response = web.get(PAGE, {"event": "export", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    mine = Entry.objects.filter(event="export").order_by("-id").first()
    assert Entry.objects.filter(event="export").count() == before + 1
    assert mine.actor_id == auditor.pk
    assert mine.additional_data == {"table": "audit_log", "filters": {"event": "export"}, "rows": before}
