"""The permission matrix: every role × resource × action, denials included.

The world: two counties (X = 英德市 441881, Y = 乐昌市 440281). Provider A, employer A and
worker A are in X; provider B, employer B and worker B in Y. Service staff X's centre covers X
only, staff Y's covers Y only. Each cell names the roles that succeed; every other role must
get the denial written beside it (401 anonymous writes, 404 when the row is invisible to the
role, 403 when it is visible but not theirs to change).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.jobs.models import Employer
from backend.workers.models import WorkerProfile
from tests import factories as f
from training.models import Provider

ROLES = (
    "anonymous", "worker_a", "worker_b", "new_worker", "provider_a", "provider_b",
    "employer_a", "employer_b", "staff_x", "staff_y", "admin", "security_admin", "auditor",
)  # fmt: skip
X, Y = "441881", "440281"


@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, Any]


def build_world() -> World:
    centre_x = f.ServiceCentreFactory(counties=[X])
    centre_y = f.ServiceCentreFactory(counties=[Y])
    prov_a = f.ProviderFactory(county=f.division(X))
    prov_b = f.ProviderFactory(county=f.division(Y))
    emp_a = f.EmployerFactory(county=f.division(X))
    emp_b = f.EmployerFactory(county=f.division(Y))
    R = User.Role
    users: dict[str, User | None] = {
        "anonymous": None,
        "worker_a": f.UserFactory(role=R.WORKER),
        "worker_b": f.UserFactory(role=R.WORKER),
        "new_worker": f.UserFactory(role=R.WORKER),
        "provider_a": f.UserFactory(role=R.PROVIDER_STAFF, provider=prov_a),
        "provider_b": f.UserFactory(role=R.PROVIDER_STAFF, provider=prov_b),
        "employer_a": f.UserFactory(role=R.EMPLOYER_STAFF, employer=emp_a),
        "employer_b": f.UserFactory(role=R.EMPLOYER_STAFF, employer=emp_b),
        "staff_x": f.UserFactory(role=R.SERVICE_STAFF, service_centre=centre_x),
        "staff_y": f.UserFactory(role=R.SERVICE_STAFF, service_centre=centre_y),
        "admin": f.UserFactory(role=R.ADMIN),
        # 等保 three officers: neither sees more than the public through the data endpoints
        "security_admin": f.UserFactory(role=R.SECURITY_ADMIN),
        "auditor": f.UserFactory(role=R.AUDITOR),
    }
    worker_a = f.WorkerProfileFactory(
        user=users["worker_a"], current_division=f.division(X), consent_share_with_employers=True
    )
    worker_b = f.WorkerProfileFactory(user=users["worker_b"], current_division=f.division(Y))
    prog_a = f.ProgramFactory(provider=prov_a, venue_division=f.division(X))
    prog_a_draft = f.ProgramFactory(
        provider=prov_a, venue_division=f.division(X), status="draft", published_at=None
    )
    prog_b = f.ProgramFactory(provider=prov_b, venue_division=f.division(Y))
    sess_a = f.SessionFactory(program=prog_a)
    sess_a2 = f.SessionFactory(program=prog_a)
    sess_a_draft = f.SessionFactory(program=prog_a_draft)
    job_a = f.PostingFactory(employer=emp_a)
    job_a_draft = f.PostingFactory(employer=emp_a, status="draft", published_at=None)
    job_b = f.PostingFactory(employer=emp_b)
    enrol_a = f.EnrolmentFactory(worker=worker_a, session=sess_a)
    appl_a = f.ApplicationFactory(worker=worker_a, posting=job_a)
    occ = f.occupation().slug
    ids = {
        "prov_a": prov_a.pk, "emp_a": emp_a.pk, "worker_a": worker_a.pk, "worker_b": worker_b.pk,
        "prog_a": prog_a.pk, "prog_a_draft": prog_a_draft.pk, "prog_b": prog_b.pk,
        "sess_a": sess_a.pk, "sess_a2": sess_a2.pk, "sess_a_draft": sess_a_draft.pk,
        "job_a": job_a.pk, "job_a_draft": job_a_draft.pk, "job_b": job_b.pk, "emp_b": emp_b.pk,
        "enrol_a": enrol_a.pk, "appl_a": appl_a.pk, "occ": occ,
    }  # fmt: skip
    return World(users, ids)


def new_program(ids):
    return {"provider": ids["prov_a"], "title": "新项目", "brand": "gd_technician", "occupation": ids["occ"],
            "venue_division": X, "hours": 40, "is_free": True}  # fmt: skip


def new_posting(ids):
    return {"employer": ids["emp_a"], "title": "新岗位", "occupation": ids["occ"], "headcount": 2,
            "wage_min": 4000, "wage_max": 5000, "division": X}  # fmt: skip


def new_session(ids):
    start = dt.date.today() + dt.timedelta(days=10)
    return {
        "program": ids["prog_a"],
        "start_date": str(start),
        "end_date": str(start + dt.timedelta(days=20)),
        "seats": 20,
    }


def new_worker(ids):
    return {"name": "新登记", "mobile": "13912345678", "current_division": X, "consent_data_processing": True,
            "id_number": f.valid_id_number(777, county=X)}  # fmt: skip


def new_employer(ids):
    return {"name": "新单位", "credit_code": f.valid_credit_code(99991), "county": X, "industry": "制造业"}


# (name, method, url template, body factory, roles that succeed, status on success, denial for the rest)
# Denial "404/403" means: 404 for roles that cannot see the row, 403 for roles that can.
CELLS: list[tuple[str, str, str, Any, set[str], int]] = [
    # programs
    ("program published: read", "get", "/api/v1/programs/{prog_a}/", None, set(ROLES), 200),
    (
        "program draft: read",
        "get",
        "/api/v1/programs/{prog_a_draft}/",
        None,
        {"provider_a", "staff_x", "admin"},
        200,
    ),
    (
        "program: update own",
        "patch",
        "/api/v1/programs/{prog_a}/",
        lambda i: {"hours": 90},
        {"provider_a", "admin"},
        200,
    ),
    (
        "program draft: update",
        "patch",
        "/api/v1/programs/{prog_a_draft}/",
        lambda i: {"hours": 90},
        {"provider_a", "admin"},
        200,
    ),
    (
        "program: create for provider A",
        "post",
        "/api/v1/programs/",
        new_program,
        {"provider_a", "admin"},
        201,
    ),
    (
        "program: close",
        "post",
        "/api/v1/programs/{prog_a}/close/",
        lambda i: {},
        {"provider_a", "admin"},
        200,
    ),
    # sessions
    ("session: read", "get", "/api/v1/sessions/{sess_a}/", None, set(ROLES), 200),
    (
        "session of draft: read",
        "get",
        "/api/v1/sessions/{sess_a_draft}/",
        None,
        {"provider_a", "staff_x", "admin"},
        200,
    ),
    ("session: create", "post", "/api/v1/sessions/", new_session, {"provider_a", "admin"}, 201),
    (
        "session: update",
        "patch",
        "/api/v1/sessions/{sess_a}/",
        lambda i: {"seats": 40},
        {"provider_a", "admin"},
        200,
    ),
    # enrolments
    (
        "enrolment: read",
        "get",
        "/api/v1/enrolments/{enrol_a}/",
        None,
        {"worker_a", "provider_a", "staff_x", "admin"},
        200,
    ),
    (
        "enrolment: apply for worker A",
        "post",
        "/api/v1/enrolments/",
        lambda i: {"session": i["sess_a2"], "worker": i["worker_a"]},
        {"worker_a", "staff_x", "admin"},
        201,
    ),
    (
        "enrolment: accept",
        "patch",
        "/api/v1/enrolments/{enrol_a}/",
        lambda i: {"status": "enrolled"},
        {"provider_a", "admin"},
        200,
    ),
    # employers
    ("employer: read", "get", "/api/v1/employers/{emp_a}/", None, set(ROLES), 200),
    (
        "employer: update",
        "patch",
        "/api/v1/employers/{emp_a}/",
        lambda i: {"industry": "物流"},
        {"employer_a", "staff_x", "admin"},
        200,
    ),
    ("employer: create in X", "post", "/api/v1/employers/", new_employer, {"staff_x", "admin"}, 201),
    # postings
    ("posting published: read", "get", "/api/v1/postings/{job_a}/", None, set(ROLES), 200),
    (
        "posting draft: read",
        "get",
        "/api/v1/postings/{job_a_draft}/",
        None,
        {"employer_a", "staff_x", "admin"},
        200,
    ),
    (
        "posting: update",
        "patch",
        "/api/v1/postings/{job_a}/",
        lambda i: {"headcount": 9},
        {"employer_a", "staff_x", "admin"},
        200,
    ),
    (
        "posting draft: update",
        "patch",
        "/api/v1/postings/{job_a_draft}/",
        lambda i: {"headcount": 9},
        {"employer_a", "staff_x", "admin"},
        200,
    ),
    (
        "posting: create for employer A",
        "post",
        "/api/v1/postings/",
        new_posting,
        {"employer_a", "staff_x", "admin"},
        201,
    ),
    (
        "posting: mark filled",
        "post",
        "/api/v1/postings/{job_a}/set-status/",
        lambda i: {"status": "filled"},
        {"employer_a", "staff_x", "admin"},
        200,
    ),
    # applications
    (
        "application: read",
        "get",
        "/api/v1/applications/{appl_a}/",
        None,
        {"worker_a", "employer_a", "staff_x", "admin"},
        200,
    ),
    (
        "application: apply for worker A",
        "post",
        "/api/v1/applications/",
        lambda i: {"posting": i["job_b"], "worker": i["worker_a"]},
        {"worker_a", "staff_x", "admin"},
        201,
    ),
    (
        "application: employer moves it on",
        "patch",
        "/api/v1/applications/{appl_a}/",
        lambda i: {"status": "interview"},
        {"employer_a", "staff_x", "admin"},
        200,
    ),
    (
        "application: withdraw",
        "patch",
        "/api/v1/applications/{appl_a}/",
        lambda i: {"status": "withdrawn"},
        {"worker_a", "staff_x", "admin"},
        200,
    ),
    # workers
    ("worker: read", "get", "/api/v1/workers/{worker_a}/", None, {"worker_a", "staff_x", "admin"}, 200),
    (
        "worker: update",
        "patch",
        "/api/v1/workers/{worker_a}/",
        lambda i: {"wage_floor": 5000},
        {"worker_a", "staff_x", "admin"},
        200,
    ),
    (
        "worker: register in X",
        "post",
        "/api/v1/workers/",
        new_worker,
        {"new_worker", "staff_x", "admin"},
        201,
    ),
]

# Roles that can see each row (so a denied write is 403, not 404).
PUBLIC = set(ROLES)
VISIBLE = {
    "/api/v1/programs/{prog_a}/": PUBLIC,
    "/api/v1/programs/{prog_a}/close/": PUBLIC,
    "/api/v1/programs/{prog_a_draft}/": {"provider_a", "staff_x", "admin"},
    "/api/v1/sessions/{sess_a}/": PUBLIC,
    "/api/v1/enrolments/{enrol_a}/": {"worker_a", "provider_a", "staff_x", "admin"},
    "/api/v1/employers/{emp_a}/": PUBLIC,
    "/api/v1/postings/{job_a}/": PUBLIC,
    "/api/v1/postings/{job_a}/set-status/": PUBLIC,
    "/api/v1/postings/{job_a_draft}/": {"employer_a", "staff_x", "admin"},
    "/api/v1/applications/{appl_a}/": {"worker_a", "employer_a", "staff_x", "admin"},
    "/api/v1/workers/{worker_a}/": {"worker_a", "staff_x", "admin"},
}


def expected_status(cell, role: str) -> int:
    _name, method, url, _body, allowed, ok = cell
    if role in allowed:
        return ok
    if method == "get":
        return 404
    if role == "anonymous":
        return 401
    if method == "post" and url.endswith("/api/v1/workers/") and role in ("worker_a", "worker_b"):
        return 409  # a worker who already has a profile
    if url in VISIBLE and role not in VISIBLE[url]:
        return 404
    return 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cell", CELLS, ids=[c[0] for c in CELLS])
def test_matrix_cell(cell, role):
    world = build_world()
    name, method, url, body, _allowed, _ok = cell
    client = APIClient()
    if world.users[role] is not None:
        client.force_authenticate(world.users[role])
    response = getattr(client, method)(
        url.format(**world.ids), body(world.ids) if body else None, format="json"
    )
    expected = expected_status(cell, role)
    assert response.status_code == expected, (
        f"{name} as {role}: {response.status_code} {response.content[:300]!r}"
    )
    if expected >= 400:
        assert set(response.json()) == {"code", "message", "fields"}


LISTS = {
    "/api/v1/workers/": {
        "anonymous": set(), "worker_a": {"worker_a"}, "worker_b": {"worker_b"}, "new_worker": set(),
        "provider_a": set(), "provider_b": set(), "employer_a": set(), "employer_b": set(),
        "staff_x": {"worker_a"}, "staff_y": {"worker_b"}, "admin": {"worker_a", "worker_b"},
        "security_admin": set(), "auditor": set(),
    },
    "/api/v1/programs/": {
        **{r: {"prog_a", "prog_b"} for r in ROLES},
        "provider_a": {"prog_a", "prog_a_draft", "prog_b"},
        "staff_x": {"prog_a", "prog_a_draft", "prog_b"},
        "admin": {"prog_a", "prog_a_draft", "prog_b"},
    },
    "/api/v1/postings/": {
        **{r: {"job_a", "job_b"} for r in ROLES},
        "employer_a": {"job_a", "job_a_draft", "job_b"},
        "staff_x": {"job_a", "job_a_draft", "job_b"},
        "admin": {"job_a", "job_a_draft", "job_b"},
    },
    "/api/v1/applications/": {
        **{r: set() for r in ROLES},
        "worker_a": {"appl_a"}, "employer_a": {"appl_a"}, "staff_x": {"appl_a"}, "admin": {"appl_a"},
    },
    "/api/v1/enrolments/": {
        **{r: set() for r in ROLES},
        "worker_a": {"enrol_a"}, "provider_a": {"enrol_a"}, "staff_x": {"enrol_a"}, "admin": {"enrol_a"},
    },
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", list(LISTS))
def test_matrix_lists(url, role):
    world = build_world()
    client = APIClient()
    if world.users[role] is not None:
        client.force_authenticate(world.users[role])
    response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    seen = {row["id"] for row in response.json()["results"]}
    names = {name for name, pk in world.ids.items() if pk in seen and name in LISTS[url]["admin"]}
    assert names == LISTS[url][role], f"{url} as {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["worker_a", "staff_x", "admin"])
def test_whole_id_number_only_for_the_worker_and_authorised_staff(role):
    world = build_world()
    client = APIClient()
    client.force_authenticate(world.users[role])
    body = client.get(f"/api/v1/workers/{world.ids['worker_a']}/").json()
    profile = WorkerProfile.objects.get(pk=world.ids["worker_a"])
    assert body["id_number"] == profile.reveal_id_number()
    assert "*" in body["id_number_masked"]
    assert body["id_number_masked"] != body["id_number"]


@pytest.mark.django_db
def test_lists_show_personal_data_masked_even_to_authorised_staff():
    world = build_world()
    client = APIClient()
    client.force_authenticate(world.users["staff_x"])
    (row,) = client.get("/api/v1/workers/").json()["results"]
    assert row["id_number"] is None
    assert "****" in row["mobile"]
    assert row["id_number_masked"].startswith("4418")


# The audit log: the auditor alone (not admin, not a superuser); anonymous 401 / the login page.
AUDIT_API = "/api/v1/audit/entries/"
AUDIT_PAGE = "/audit/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_audit_log_only_for_the_auditor(role):
    world = build_world()
    user = world.users[role]
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    response = api.get(AUDIT_API)
    expected = 200 if role == "auditor" else 401 if role == "anonymous" else 403
    assert response.status_code == expected, f"{role}: {response.content[:200]!r}"
    if expected >= 400:
        assert set(response.json()) == {"code", "message", "fields"}
    else:
        assert response.json()["count"] > 0  # the world's own creates are in it
    assert api.post(AUDIT_API, {}, format="json").status_code == (405 if role == "auditor" else expected)

    web = Client()
    if user is not None:
        user.save()  # the factory skips the save after set_password; force_login needs the hash
        web.force_login(user)
    page = web.get(AUDIT_PAGE)
    assert page.status_code == {"auditor": 200, "anonymous": 302}.get(role, 403), role


# Field-level rows: who may change each field of an employer's or a provider's record. A role
# that manages the row but may not set the field gets 403 `field_not_writable` naming the field,
# and nothing is written; every other role is denied as in the cells above (403: both rows are
# public). Values sent equal to the stored ones are no change (see "send back").
FIELD_CELLS: list[tuple[str, str, str, Any, set[str]]] = [
    # (name, url, field, value factory, roles that succeed)
    ("employer badge", "/api/v1/employers/{emp_a}/", "is_stable_employment_base", lambda i: True,
     {"staff_x", "admin"}),
    ("employer credit code", "/api/v1/employers/{emp_a}/", "credit_code", lambda i: f.valid_credit_code(88881),
     {"staff_x", "admin"}),
    ("employer county (to Y)", "/api/v1/employers/{emp_a}/", "county", lambda i: Y, {"admin"}),
    ("employer import key", "/api/v1/employers/{emp_a}/", "external_id", lambda i: "emp-renamed",
     {"staff_x", "admin"}),
    ("employer industry", "/api/v1/employers/{emp_a}/", "industry", lambda i: "物流",
     {"employer_a", "staff_x", "admin"}),
    ("employer contact phone", "/api/v1/employers/{emp_a}/", "contact_phone", lambda i: "0763-5551234",
     {"employer_a", "staff_x", "admin"}),
    ("provider verified", "/api/v1/providers/{prov_a}/", "verified", lambda i: False, {"admin"}),
    ("provider county (to Y)", "/api/v1/providers/{prov_a}/", "county", lambda i: Y, {"admin"}),
    ("provider kind", "/api/v1/providers/{prov_a}/", "kind", lambda i: "technical_school", {"admin"}),
    ("provider import key", "/api/v1/providers/{prov_a}/", "external_id", lambda i: "prov-renamed", {"admin"}),
    ("provider contact phone", "/api/v1/providers/{prov_a}/", "contact_phone", lambda i: "0763-5554321",
     {"provider_a", "admin"}),
]  # fmt: skip
# The roles that manage the row but may not set its record fields: they are refused by field
# (staff X may set an employer's county, but not to a county outside its centre: refused by row).
FIELD_REFUSED = {"/api/v1/employers/{emp_a}/": {"employer_a"}, "/api/v1/providers/{prov_a}/": {"provider_a"}}


def _stored_value(url: str, ids: dict[str, Any], field: str) -> Any:
    model, pk = (Employer, ids["emp_a"]) if "employers" in url else (Provider, ids["prov_a"])
    row = model.objects.get(pk=pk)
    return getattr(row, model._meta.get_field(field).attname)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cell", FIELD_CELLS, ids=[c[0] for c in FIELD_CELLS])
def test_matrix_field(cell, role):
    world = build_world()
    name, url, field, value, allowed = cell
    client = APIClient()
    if world.users[role] is not None:
        client.force_authenticate(world.users[role])
    before = _stored_value(url, world.ids, field)
    response = client.patch(url.format(**world.ids), {field: value(world.ids)}, format="json")
    expected = 200 if role in allowed else 401 if role == "anonymous" else 403
    assert response.status_code == expected, (
        f"{name} as {role}: {response.status_code} {response.content[:300]!r}"
    )
    if expected == 200:
        assert _stored_value(url, world.ids, field) != before
        return
    assert set(response.json()) == {"code", "message", "fields"}
    assert _stored_value(url, world.ids, field) == before, f"{name} as {role} was written"
    if role in FIELD_REFUSED[url]:
        body = response.json()
        assert body["code"] == "field_not_writable"
        assert body["fields"][field][0]["code"] == "field_not_writable"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["employer_a", "staff_x", "admin"])
def test_matrix_field_an_employer_may_send_back_what_it_read(role):
    """A PUT of the whole object read, reserved fields unchanged, is accepted for each manager."""
    world = build_world()
    client = APIClient()
    client.force_authenticate(world.users[role])
    url = f"/api/v1/employers/{world.ids['emp_a']}/"
    body = client.get(url).json()
    body = {**body, "county": body["county"]["id"], "industry": "物流"}
    response = client.put(url, {k: v for k, v in body.items() if k != "id"}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["industry"] == "物流"


# Read rows: who sees an applicant's whole mobile. The application of worker A (county X) to
# employer B's posting (county Y) is seen by worker A, employer B, staff X (the worker's county),
# staff Y (the posting's county) and an admin; staff Y sees it masked. The employer sees it whole
# only when the worker agreed to be referred to employers.
APPLICANT_MOBILE = {
    True: {"worker_a": "whole", "employer_b": "whole", "staff_x": "whole", "staff_y": "masked", "admin": "whole"},
    False: {"worker_a": "whole", "employer_b": "masked", "staff_x": "whole", "staff_y": "masked", "admin": "whole"},
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("consented", [True, False], ids=["consented", "not consented"])
@pytest.mark.parametrize("role", ROLES)
def test_matrix_read_applicant_mobile(role, consented):
    world = build_world()
    worker = WorkerProfile.objects.get(pk=world.ids["worker_a"])
    worker.consent_share_with_employers = consented
    worker.save(update_fields=["consent_share_with_employers"])
    application = f.ApplicationFactory(worker=worker, posting_id=world.ids["job_b"])
    client = APIClient()
    if world.users[role] is not None:
        client.force_authenticate(world.users[role])
    response = client.get(f"/api/v1/applications/{application.pk}/")
    expected = APPLICANT_MOBILE[consented].get(role)
    if expected is None:
        assert response.status_code in (401, 404), f"{role}: {response.status_code}"
        return
    assert response.status_code == 200, f"{role}: {response.status_code}"
    shown = response.json()["worker"]["mobile"]
    assert shown == (worker.mobile if expected == "whole" else worker.mobile_masked), f"{role}: {shown}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["worker_a", "provider_a", "staff_x", "admin"])
def test_matrix_read_enrolee_shows_no_contact(role):
    """An enrolment names the enrolee and shows no contact at all, to every role that sees it."""
    world = build_world()
    client = APIClient()
    client.force_authenticate(world.users[role])
    worker = client.get(f"/api/v1/enrolments/{world.ids['enrol_a']}/").json()["worker"]
    assert set(worker) == {"id", "name"}
