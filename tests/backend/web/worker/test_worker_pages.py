"""The worker's pages: the profile wizard (self and at the window), recommendations, activity."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from backend.accounts.models import User
from backend.jobs.models import Application
from backend.occupations.models import Skill
from backend.workers.models import WorkerProfile
from tests import factories as f
from training.models import Enrolment

pytestmark = pytest.mark.django_db

STEP1 = {"name": "李阿明", "mobile": "13800138000", "gender": "male", "id_number": ""}
STEP2 = {"current_province": "440000", "current_city": "441800", "current_county": "441881",
         "preferred_divisions": ["441900"], "max_commute_km": "30"}  # fmt: skip
STEP3 = {"skill_0": "yuesao", "years_0": "3", "skill_1": "氩弧焊", "years_1": "2"}
STEP4 = {
    "wage_floor": "4500",
    "needs_lodging": "on",
    "consent_data_processing": "on",
    "consent_contact": "on",
}


@pytest.fixture(autouse=True)
def _fresh_engine(fresh_matching_engine):  # see tests/conftest.py
    return


@pytest.fixture
def newcomer(make_user, client):
    """A worker login without a profile yet."""
    user = make_user(role=User.Role.WORKER, username="xin")
    client.force_login(user)
    return user


@pytest.fixture
def staff(make_user, client):
    user = make_user(role=User.Role.SERVICE_STAFF, service_centre=f.ServiceCentreFactory(counties=["441881"]))
    client.force_login(user)
    return user


def post(client, url, step, data, go="next"):
    return client.post(f"{url}?step={step}", {**data, "step": step, "go": go})


def complete(client, url="/me/profile/", steps=(STEP1, STEP2, STEP3, STEP4)):
    response = None
    for n, data in enumerate(steps, start=1):
        response = post(client, url, n, data)
        assert response.status_code == 302, response.content.decode()[:3000]
    return response


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/me/profile/", "/me/recommendations/", "/me/activity/", "/staff/workers/new/"]
)
def test_anonymous_users_log_in_first(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_other_roles_get_a_403_page(client, make_user):
    client.force_login(make_user(role=User.Role.EMPLOYER_STAFF, employer=f.EmployerFactory()))
    for url in ("/me/profile/", "/me/recommendations/", "/me/activity/", "/staff/workers/new/"):
        response = client.get(url)
        assert response.status_code == 403, url


def test_a_worker_may_not_use_the_window_registration(worker_client):
    assert worker_client.get("/staff/workers/new/").status_code == 403


def test_the_header_links_to_the_workers_pages(worker_client):
    html = worker_client.get("/").content.decode()
    assert 'href="/me/recommendations/"' in html
    assert 'href="/me/activity/"' in html


# --- the wizard ------------------------------------------------------------------------------


def test_a_new_worker_completes_the_wizard_and_is_registered(client, newcomer):
    response = complete(client)
    assert response["Location"] == "/me/recommendations/"
    worker = WorkerProfile.objects.get(user=newcomer)
    assert (worker.name, worker.mobile, worker.current_division_id) == ("李阿明", "13800138000", "441881")
    assert list(worker.preferred_divisions.values_list("code", flat=True)) == ["441900"]
    assert {s.skill.slug: s.years for s in worker.skills.select_related("skill")}["gtaw"] == 2
    assert worker.skills.count() == 2  # "yuesao" is pinyin of a synonym
    assert worker.wage_floor == 4500
    assert worker.needs_lodging
    assert worker.consent_data_processing
    assert "worker-wizard:self" not in client.session


def test_bad_input_is_shown_beside_the_field_and_kept(client, newcomer):
    response = post(
        client, "/me/profile/", 1, {**STEP1, "mobile": "12345", "id_number": "44188119900101123X"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="err-mobile"' in html
    assert "手机号码应为11位" in html
    assert 'value="12345"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="err-id_number"' in html


def test_an_unknown_skill_suggests_close_ones_and_keeps_the_text(client, newcomer):
    complete(client, steps=(STEP1, STEP2))
    response = post(client, "/me/profile/", 3, {"skill_0": "焊", "years_0": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "你是不是要找" in html
    assert 'value="焊"' in html
    assert 'id="err-years_0"' in html


def test_the_place_picker_works_without_js(client, newcomer):
    complete(client, steps=(STEP1,))
    response = post(client, "/me/profile/", 2, {"current_province": "440000"}, go="refresh")
    assert response.status_code == 302
    assert response["Location"].endswith("?step=2#places")
    html = client.get("/me/profile/?step=2").content.decode()
    assert '<option value="441800">清远市</option>' in html  # the cities of the chosen province
    response = post(client, "/me/profile/", 2, {"current_province": "440000", "current_city": "441800"})
    assert response.status_code == 400
    assert "请选择区县" in response.content.decode()


def test_a_city_without_counties_is_a_place(client, newcomer):
    complete(client, steps=(STEP1,))
    response = post(client, "/me/profile/", 2, {"current_province": "440000", "current_city": "441900"})
    assert response.status_code == 302


def test_consent_is_required(client, newcomer):
    complete(client, steps=(STEP1, STEP2, STEP3))
    response = post(client, "/me/profile/", 4, {**STEP4, "consent_data_processing": ""})
    assert response.status_code == 400
    assert "须征得本人同意" in response.content.decode()
    assert not WorkerProfile.objects.filter(user=newcomer).exists()


def test_back_keeps_what_was_typed(client, newcomer):
    complete(client, steps=(STEP1,))
    post(client, "/me/profile/", 2, {"max_commute_km": "25"}, go="back")
    assert 'value="25"' in client.get("/me/profile/?step=2").content.decode()


def test_an_id_number_typed_but_not_saved_is_kept_encrypted_in_the_session(client, newcomer):
    typed = f.valid_id_number(515151)
    complete(client, steps=(STEP1 | {"id_number": typed},))
    session = SessionStore(session_key=client.cookies["sessionid"].value)
    stored = Session.objects.get(session_key=session.session_key).session_data
    assert typed not in str(session.load())
    assert typed not in stored
    # ...and comes back as typed when the worker goes back to step 1.
    assert f'value="{typed}"' in client.get("/me/profile/?step=1").content.decode()


def test_rotating_the_field_encryption_key_keeps_a_half_filled_wizard_working(client, newcomer, settings):
    typed = f.valid_id_number(525252)
    complete(client, steps=(STEP1 | {"id_number": typed},))
    settings.FIELD_ENCRYPTION_KEYS = [
        "a-new-first-key-0123456789abcdefghijklmnop",
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    assert f'value="{typed}"' in client.get("/me/profile/?step=1").content.decode()  # the old key still reads
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # and once it is gone:
    response = client.get("/me/profile/?step=1")
    assert response.status_code == 200  # the sealed value is dropped, to be typed again
    assert typed not in response.content.decode()


def test_a_duplicate_id_number_comes_back_on_step_one(client, newcomer):
    taken = f.valid_id_number(424242)
    f.WorkerProfileFactory(id_number=taken)
    response = None
    for n, data in enumerate((STEP1 | {"id_number": taken}, STEP2, STEP3, STEP4), start=1):
        response = post(client, "/me/profile/", n, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "该身份证号已登记" in html
    assert 'id="err-id_number"' in html


def test_editing_shows_the_saved_profile_with_the_id_number_masked(worker_client, worker):
    profile = worker.worker_profile
    whole = profile.reveal_id_number()
    html = worker_client.get("/me/profile/").content.decode()
    assert profile.name in html
    assert whole not in html
    assert profile.id_number_masked in html
    steps = (STEP1 | {"name": "新名字"}, STEP2, STEP3, STEP4)
    complete(worker_client, steps=steps)
    profile.refresh_from_db()
    assert profile.name == "新名字"
    assert profile.reveal_id_number() == whole  # left blank: kept
    assert whole not in worker_client.get("/me/profile/").content.decode()


def test_a_county_chosen_at_the_window_is_shown_in_step_2_and_can_be_removed(worker_client, worker):
    """The wizard offers Guangdong's cities; a county set elsewhere (at the window, by an import) is
    listed too, ticked, under its full name, so the worker sees where they are matched from."""
    profile = worker.worker_profile
    profile.preferred_divisions.set(["441882"])  # 连州市, a county
    html = worker_client.get("/me/profile/?step=2").content.decode()
    assert "清远市连州市" in html
    assert re.search(r'<input type="checkbox" name="preferred_divisions" value="441882"[^>]* checked>', html)
    steps = (STEP1, {**STEP2, "preferred_divisions": []}, STEP3, STEP4)
    complete(worker_client, steps=steps)
    assert not profile.preferred_divisions.exists()


# --- at the window ---------------------------------------------------------------------------


def test_staff_register_a_worker_of_their_county(client, staff):
    response = complete(client, url="/staff/workers/new/")
    worker = WorkerProfile.objects.get(name="李阿明")
    assert worker.registered_by == staff
    assert worker.user is None
    assert response["Location"] == f"/staff/workers/new/?created={worker.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "已登记:李阿明" in html
    assert "138****8000" in html


def test_staff_may_not_register_outside_their_counties(client, staff):
    steps = (STEP1, {"current_province": "440000", "current_city": "441900"}, STEP3, STEP4)
    for n, data in enumerate(steps[:3], start=1):
        post(client, "/staff/workers/new/", n, data)
    response = post(client, "/staff/workers/new/", 4, STEP4)
    html = response.content.decode()
    assert response.status_code == 400
    assert "只能登记常住地在本服务中心辖区的劳动者" in html
    assert 'id="err-current_county"' in html
    assert not WorkerProfile.objects.filter(name="李阿明").exists()


def test_staff_see_only_their_own_counties_registrations(client, staff):
    other = f.WorkerProfileFactory(current_division=f.division("441900"))
    assert client.get(f"/staff/workers/new/?created={other.pk}").status_code == 404


# --- recommendations and activity --------------------------------------------------------------


def test_a_worker_without_a_profile_is_sent_to_the_wizard(client, newcomer):
    response = client.get("/me/recommendations/")
    assert response.status_code == 302
    assert response["Location"] == "/me/profile/"


def test_recommendations_explain_and_offer_training_pathways(worker_client, worker):
    profile = worker.worker_profile
    profile.wage_floor = 5000
    profile.save()
    welding = f.occupation("焊工")
    posting = f.PostingFactory(title="氩弧焊工", occupation=welding, wage_min=6000, wage_max=8000)
    posting.required_skills.set(Skill.objects.filter(slug="gtaw"))
    program = f.ProgramFactory(title="氩弧焊培训", occupation=welding)
    program.skills.set(Skill.objects.filter(slug="gtaw"))
    f.SessionFactory(program=program)
    html = worker_client.get("/me/recommendations/").content.decode()
    assert "氩弧焊工" in html
    assert f'href="/jobs/{posting.pk}/"' in html
    assert "还需要:钨极氩弧焊" in html
    assert "工资达到你要求的 5000 元" in html
    assert f'href="/courses/{program.pk}/"' in html  # the pathway closing the gap
    training = worker_client.get("/me/recommendations/?tab=training").content.decode()
    assert "氩弧焊培训" in training


def test_no_filler_the_page_says_what_it_understood_and_what_else_there_is(worker_client, worker):
    """A welder in 英德 who will not move: a 厨师 job next door is not offered to fill the page."""
    profile = worker.worker_profile
    profile.desired_occupations.set([f.occupation("焊工")])
    profile.willing_to_relocate, profile.max_commute_km = False, None
    profile.save()
    f.PostingFactory(title="厨房帮工", occupation=f.occupation("厨房帮工"))
    html = worker_client.get("/me/recommendations/").content.decode()
    assert "厨房帮工" not in html
    assert "附近暂无对口岗位" in html
    assert "只推荐离英德市 60 公里内" in html
    assert 'href="?tab=training"' in html
    assert "相近的工作也可以考虑" in html
    assert "钳工" in html


def test_my_activity_lists_and_withdraws(worker_client, worker):
    application = f.ApplicationFactory(worker=worker.worker_profile)
    enrolment = f.EnrolmentFactory(worker=worker.worker_profile)
    html = worker_client.get("/me/activity/").content.decode()
    assert application.posting.title in html
    assert "已投递" in html
    assert enrolment.session.program.title in html
    response = worker_client.post(f"/me/applications/{application.pk}/withdraw/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    worker_client.post(f"/me/enrolments/{enrolment.pk}/drop/")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.DROPPED


def test_another_workers_application_is_a_404(worker_client):
    other = f.ApplicationFactory()
    assert worker_client.post(f"/me/applications/{other.pk}/withdraw/").status_code == 404
    other.refresh_from_db()
    assert other.status == Application.Status.SUBMITTED
