"""Staff pages: the review queue, batch runs and the county dashboard, over the matching test world."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from backend.jobs.models import Application
from matching.models import MatchingRun, Suggestion
from matching.services import review, runs
from tests import factories as f
from tests.matching.world import X, Y, build_world, make_suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engine(fresh_matching_engine):  # see tests/conftest.py
    return


@pytest.fixture
def world():
    return build_world()


def login(user) -> Client:  # type: ignore[no-untyped-def]
    user.save()  # the factory does not save the hashed password, which the session checks
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_x(world) -> Client:
    return login(world.user("staff_x"))


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/staff/review/", "/staff/runs/", "/staff/dashboard/"])
def test_anonymous_users_log_in_first(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("role", ["worker_a", "provider", "employer"])
@pytest.mark.parametrize("url", ["/staff/review/", "/staff/runs/", "/staff/dashboard/"])
def test_other_roles_get_a_403_page(world, role, url):
    response = login(world.user(role)).get(url)
    assert response.status_code == 403
    assert "只有就业服务人员" in response.content.decode()


def test_staff_see_only_their_counties_suggestions(world, staff_x):
    mine = make_suggestion(world.workers["worker_a"], world.postings["cook_x"], score=0.9)
    other = make_suggestion(world.workers["worker_b"], world.postings["welder_y"], score=0.8)
    html = staff_x.get("/staff/review/").content.decode()
    assert f'id="s{mine.pk}"' in html
    assert f'id="s{other.pk}"' not in html
    # Masked personal data only: not the whole name nor the mobile number.
    worker = world.workers["worker_a"]
    assert worker.name not in html
    assert worker.mobile not in html
    assert worker.mobile_masked in html


def test_one_worker_does_not_fill_the_queues_page(world, staff_x):
    busy, other = world.workers["worker_a"], world.workers["worker_c"]
    for rank in range(1, 26):
        posting = f.PostingFactory(title=f"岗位{rank}", division=world.postings["cook_x"].division)
        make_suggestion(busy, posting, score=10.0 - rank / 10, rank=rank)
    late = make_suggestion(other, world.postings["cook_x"], score=0.1)  # a low score, but its rank 1
    html = staff_x.get("/staff/review/").content.decode()
    assert f'id="s{late.pk}"' in html
    assert html.count('class="suggestion"') == 20


def test_the_queue_speaks_to_staff_with_the_workers_conditions_and_a_fit_label(world, staff_x):
    worker = world.workers["worker_a"]
    worker.willing_to_relocate, worker.max_commute_km = False, 30
    worker.save()
    make_suggestion(
        worker,
        world.postings["cook_x"],
        score=15.65,
        explanation={"summary": "是您想做的中式烹调师工作,离英德市3公里。", "fit": "适合"},
    )
    html = staff_x.get("/staff/review/").content.decode()
    assert "是劳动者想做的中式烹调师工作" in html
    assert "是您想做" not in html
    assert "想做 中式烹调师" in html
    assert "不愿去外地" in html
    assert "通勤 30 公里内" in html
    assert "适合" in html
    assert "15.65" not in html  # no raw score


def test_reviewing_another_countys_suggestion_is_a_404(world, staff_x):
    other = make_suggestion(world.workers["worker_b"], world.postings["welder_y"])
    response = staff_x.post(
        "/staff/review/", {"action": "review", "suggestion": other.pk, "decision": "approve"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "pending"


# --- the review queue --------------------------------------------------------------------------


def test_filters_work_as_a_plain_get_form(world, staff_x):
    job = make_suggestion(world.workers["worker_a"], world.postings["cook_x"], score=0.9)
    course = make_suggestion(world.workers["worker_a"], world.sessions["cantonese"], score=0.3)
    done = make_suggestion(world.workers["worker_c"], world.postings["helper_x"], status="withdrawn")
    html = staff_x.get("/staff/review/", {"kind": "job"}).content.decode()
    assert f'id="s{job.pk}"' in html
    assert f'id="s{course.pk}"' not in html
    html = staff_x.get("/staff/review/", {"min_score": "0.5"}).content.decode()
    assert f'id="s{job.pk}"' in html
    assert f'id="s{course.pk}"' not in html
    assert f'id="s{done.pk}"' not in staff_x.get("/staff/review/").content.decode()
    assert f'id="s{done.pk}"' in staff_x.get("/staff/review/", {"status": "withdrawn"}).content.decode()
    assert f'id="s{job.pk}"' in staff_x.get("/staff/review/", {"county": X}).content.decode()


def test_a_bad_filter_is_shown_beside_the_field_and_kept(staff_x):
    response = staff_x.get("/staff/review/", {"min_score": "很高"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="err-min_score"' in html
    assert 'value="很高"' in html


def test_the_explanation_panel_shows_the_reasons(world, staff_x):
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cantonese_x"])
    suggestion.explanation = {
        "summary": "技能部分对口",
        "matched_skills": ["炒锅烹饪"],
        "missing_skills": ["烧腊制作"],
        "certificate": {"required": "健康证", "held": True, "level_ok": None},
        "distance_km": 3.2,
        "wage": {"offered_min": 4000, "offered_max": 6000, "floor": 3500, "meets_floor": True},
        "lodging": {"needed": True, "provided": False},
        "top_features": [{"name": "skill_overlap", "label": "技能重合度", "contribution": 0.42}],
    }
    suggestion.pathways = [{"title": "粤菜师傅烧腊培训班", "covers_skills": ["烧腊制作"], "coverage": 1.0}]
    suggestion.save()
    html = staff_x.get("/staff/review/").content.decode()
    assert f'id="s{suggestion.pk}"' in html
    for text in (
        "<details",
        "烧腊制作",
        "健康证",
        "3.2",
        "期望不低于 3500 元",
        "岗位不包住",
        "技能重合度",
        "粤菜师傅烧腊培训班",
        "100%",
    ):
        assert text in html, text
    assert suggestion.model_version.name in html


def test_approving_a_job_suggestion_makes_a_referral(world, staff_x):
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    response = staff_x.post(
        "/staff/review/?kind=job",
        {"action": "review", "suggestion": suggestion.pk, "decision": "approve"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/review/?kind=job"
    suggestion.refresh_from_db()
    assert suggestion.status == "approved"
    assert suggestion.application.source == Application.Source.STAFF_REFERRAL
    html = staff_x.get("/staff/review/", {"status": "approved"}).content.decode()
    assert "已生成推荐投递" in html


def test_rejecting_without_a_reason_is_refused_beside_the_field(world, staff_x):
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    response = staff_x.post(
        "/staff/review/",
        {"action": "review", "suggestion": suggestion.pk, "decision": "reject", "note": "再看看"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="err-s{suggestion.pk}-reason_code"' in html
    assert "驳回时请选择原因" in html
    assert "再看看" in html  # kept
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"

    staff_x.post(
        "/staff/review/",
        {"action": "review", "suggestion": suggestion.pk, "decision": "reject", "reason_code": "too_far"},
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason_code) == ("rejected", "too_far")


def test_approval_refused_by_the_service_shows_its_message(world, staff_x):
    # Worker C did not agree to be referred to employers.
    suggestion = make_suggestion(world.workers["worker_c"], world.postings["helper_x"])
    response = staff_x.post(
        "/staff/review/", {"action": "review", "suggestion": suggestion.pk, "decision": "approve"}
    )
    assert response.status_code == 400
    assert "劳动者未同意向用人单位推荐" in response.content.decode()


def test_annotating(world, staff_x):
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    empty = staff_x.post("/staff/review/", {"action": "annotate", "suggestion": suggestion.pk, "note": ""})
    assert empty.status_code == 400
    assert f'id="err-s{suggestion.pk}-annotate-note"' in empty.content.decode()
    staff_x.post("/staff/review/", {"action": "annotate", "suggestion": suggestion.pk, "note": "已电话联系"})
    suggestion.refresh_from_db()
    assert suggestion.note == "已电话联系"


def test_bulk_review_is_all_or_nothing_with_an_error_per_row(world, staff_x):
    ok = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    refused = make_suggestion(world.workers["worker_c"], world.postings["helper_x"])
    response = staff_x.post(
        "/staff/review/", {"action": "bulk", "ids": [ok.pk, refused.pk], "decision": "approve"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="err-pick-{refused.pk}"' in html
    assert "本次审核全部未生效" in html
    ok.refresh_from_db()
    assert ok.status == "pending"

    nothing = staff_x.post("/staff/review/", {"action": "bulk", "decision": "approve"})
    assert "请先勾选要审核的建议" in nothing.content.decode()

    done = staff_x.post(
        "/staff/review/",
        {"action": "bulk", "ids": [ok.pk, refused.pk], "decision": "reject", "reason_code": "other"},
    )
    assert done.status_code == 302
    assert set(Suggestion.objects.values_list("status", flat=True)) == {"rejected"}


# --- batch runs --------------------------------------------------------------------------------


def test_starting_a_run_over_the_centres_counties(world, staff_x, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_x.post("/staff/runs/", {"kind": "job"})
    assert response.status_code == 302
    run = MatchingRun.objects.get()
    assert run.county_codes == [X]
    assert run.status == "succeeded"
    html = staff_x.get("/staff/runs/").content.decode()
    assert "<progress" in html
    assert "已完成" in html
    assert 'http-equiv="refresh"' not in html
    assert Suggestion.objects.filter(run=run).exists()


def test_a_run_outside_the_centre_is_refused_and_an_unfinished_one_refreshes(world, staff_x):
    response = staff_x.post("/staff/runs/", {"kind": "both", "county_codes": [Y]})
    assert response.status_code == 400  # not a choice: Y is not covered
    assert 'id="err-run-county_codes"' in response.content.decode()
    run = runs.matching_run_create(kind="job", county_codes=[X], started_by=world.user("staff_x"))
    html = staff_x.get("/staff/runs/").content.decode()
    assert 'http-equiv="refresh"' in html
    assert "staff-runs.js" in html
    busy = staff_x.post("/staff/runs/", {"kind": "job"})
    assert busy.status_code == 400
    assert "已有正在进行的批量匹配" in busy.content.decode()
    assert staff_x.post(f"/staff/runs/{run.pk}/cancel/").status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled"
    # Another centre's run is not theirs to see or cancel.
    assert login(world.user("staff_y")).post(f"/staff/runs/{run.pk}/cancel/").status_code == 404


def test_staff_see_a_run_whose_worker_died_as_interrupted_and_recovering_not_running(world, staff_x):
    run = runs.matching_run_create(kind="job", county_codes=[X], started_by=world.user("staff_x"))
    runs._claim(run.pk)
    assert "运行中" in staff_x.get("/staff/runs/").content.decode()
    # Its worker died: the heartbeat stopped renewing the lease, which ran out.
    MatchingRun.objects.filter(pk=run.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    html = staff_x.get("/staff/runs/").content.decode()
    assert 'class="status status-interrupted" data-field="status_label">已中断，正在恢复</span>' in html
    assert "运行中" not in html
    assert 'http-equiv="refresh"' in html  # still unfinished: the page follows it until it resumes


# --- the dashboard -----------------------------------------------------------------------------


def test_dashboard_counts_with_few_queries(world, staff_x, django_assert_max_num_queries):
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    review.suggestion_review(actor=world.user("staff_x"), suggestion=suggestion, decision="approve")
    with django_assert_max_num_queries(20):
        response = staff_x.get("/staff/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "<title>" in html
    assert "英德市" in html
    assert "乐昌市" not in html
    assert "100.0" in html  # approval rate of the month


def test_the_admin_dashboard_lists_only_counties_with_figures(world):
    """An admin covers every county in the country: zero rows only for counties with activity."""
    make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    response = login(world.user("admin")).get("/staff/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "英德市" in html
    assert len(html) < 300_000, len(html)  # was 8.5 MB: twelve months of every county of China


def test_dashboard_exports_each_table_as_xlsx(world, staff_x):
    make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    for name in ("months", "counties", "brands"):
        response = staff_x.get("/staff/dashboard/", {"export": name})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet.cell(1, 1).value == "月份"
    counties = load_workbook(BytesIO(staff_x.get("/staff/dashboard/", {"export": "counties"}).content)).active
    assert {row[1] for row in counties.iter_rows(min_row=2, values_only=True)} == {"英德市"}
    assert staff_x.get("/staff/dashboard/", {"export": "nope"}).status_code == 404


def test_dashboard_bad_filter_is_a_400_with_the_message(staff_x):
    response = staff_x.get("/staff/dashboard/", {"months": "99"})
    assert response.status_code == 400
    assert 'id="err-months"' in response.content.decode()
