"""The matching API end to end: recommendations, preview, review, bulk review, runs, model versions."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from backend.jobs.models import Application
from matching.core.rankers import BASELINE_VERSION
from matching.models import ModelVersion, Suggestion, SuggestionEvent
from training.models import Enrolment

from .world import X, Y, build_world, make_suggestion

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_live_recommendations_endpoint_returns_explained_items_and_pathways():
    world = build_world()
    worker = world.workers["worker_a"]
    response = client_for(world.user("worker_a")).get(
        f"/api/v1/workers/{worker.pk}/recommendations/", {"k": 5}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "job"
    assert body["model_version"] == BASELINE_VERSION
    assert 0 < len(body["results"]) <= 5
    first = body["results"][0]
    assert set(first) >= {
        "item_id",
        "rank",
        "score",
        "summary",
        "explanation",
        "pathways",
        "item",
        "qualified",
    }
    assert set(first["explanation"]) >= {"matched_skills", "missing_skills", "distance_km", "wage", "lodging"}
    trainings = client_for(world.user("staff_x")).get(
        f"/api/v1/workers/{worker.pk}/recommendations/", {"kind": "training"}
    )
    assert trainings.status_code == 200
    assert all(r["kind"] == "training" for r in trainings.json()["results"])


def test_live_recommendations_reject_bad_parameters():
    world = build_world()
    url = f"/api/v1/workers/{world.workers['worker_a'].pk}/recommendations/"
    response = client_for(world.user("admin")).get(url, {"kind": "house", "k": 500})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"kind", "k"}
    assert client_for(world.user("admin")).get("/api/v1/workers/999999/recommendations/").status_code == 404


def test_preview_endpoint_takes_an_unsaved_profile_and_saves_nothing():
    world = build_world()
    body = {
        "kind": "job",
        "k": 3,
        "current_division": X,
        "desired_occupations": ["welder"],
        "skills": [{"skill": "smaw", "years": 4}],
        "wage_floor": 4000,
        "gender": "male",  # not asked for; ignored
    }
    before = (Suggestion.objects.count(), Application.objects.count())
    response = client_for(world.user("staff_x")).post("/api/v1/matching/preview/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["item"]["title"] in ("电焊工", "乐昌电焊工")
    assert (Suggestion.objects.count(), Application.objects.count()) == before
    bad = client_for(world.user("staff_x")).post(
        "/api/v1/matching/preview/", {"skills": [{"skill": "nope"}]}, format="json"
    )
    assert bad.status_code == 400
    assert {"current_division", "skills.0.skill"} <= set(bad.json()["fields"])


def test_approving_a_job_suggestion_refers_the_worker_and_is_audited():
    world = build_world()
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    staff = world.user("staff_x")
    response = client_for(staff).post(
        f"/api/v1/suggestions/{suggestion.pk}/review/",
        {"decision": "approve", "note": "本人有意向"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["outcome"], body["note"]) == ("approved", "referred", "本人有意向")
    application = Application.objects.get(worker=world.workers["worker_a"], posting=world.postings["cook_x"])
    assert application.source == Application.Source.STAFF_REFERRAL
    assert application.referred_by == staff
    assert body["application"] == application.pk
    event = SuggestionEvent.objects.get(suggestion=suggestion, action="approved")
    assert (event.actor, event.from_status, event.to_status) == (staff, "pending", "approved")
    assert event.model_version.name == BASELINE_VERSION
    # A second decision on the same suggestion is refused.
    again = client_for(staff).post(
        f"/api/v1/suggestions/{suggestion.pk}/review/",
        {"decision": "reject", "reason_code": "other"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "not_pending"


def test_approving_a_training_suggestion_applies_for_the_session():
    world = build_world()
    suggestion = make_suggestion(world.workers["worker_a"], world.sessions["cantonese"])
    response = client_for(world.user("admin")).post(
        f"/api/v1/suggestions/{suggestion.pk}/review/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 200, response.content
    enrolment = Enrolment.objects.get(worker=world.workers["worker_a"], session=world.sessions["cantonese"])
    assert enrolment.source == Enrolment.Source.STAFF
    assert response.json()["enrolment"] == enrolment.pk
    assert response.json()["outcome"] == "applied"


def test_approval_without_the_workers_consent_to_be_referred_fails_clearly():
    world = build_world()
    suggestion = make_suggestion(world.workers["worker_c"], world.postings["helper_x"])
    response = client_for(world.user("staff_x")).post(
        f"/api/v1/suggestions/{suggestion.pk}/review/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "consent_required"
    assert "同意" in response.json()["message"]
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"
    assert not Application.objects.exists()
    assert not SuggestionEvent.objects.exists()


def test_rejecting_needs_a_reason_code_and_records_it():
    world = build_world()
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["welder_x"])
    client = client_for(world.user("staff_x"))
    url = f"/api/v1/suggestions/{suggestion.pk}/review/"
    missing = client.post(url, {"decision": "reject"}, format="json")
    assert missing.status_code == 400
    assert "reason_code" in missing.json()["fields"]
    wrong = client.post(url, {"decision": "reject", "reason_code": "because"}, format="json")
    assert wrong.status_code == 400
    assert "reason_code" in wrong.json()["fields"]
    ok = client.post(url, {"decision": "reject", "reason_code": "skills_mismatch"}, format="json")
    assert ok.status_code == 200
    assert (ok.json()["status"], ok.json()["reason_code"]) == ("rejected", "skills_mismatch")
    event = SuggestionEvent.objects.get(suggestion=suggestion)
    assert (event.action, event.reason_code, event.model_version_id) == (
        "rejected", "skills_mismatch", suggestion.model_version_id
    )  # fmt: skip


def test_bulk_review_is_all_or_nothing_with_an_error_per_id():
    world = build_world()
    a, c = world.workers["worker_a"], world.workers["worker_c"]
    ok1 = make_suggestion(a, world.postings["cook_x"])
    ok2 = make_suggestion(a, world.sessions["cantonese"])
    no_consent = make_suggestion(c, world.postings["helper_x"])
    other_county = make_suggestion(world.workers["worker_b"], world.postings["welder_y"])
    client = client_for(world.user("staff_x"))
    response = client.post(
        "/api/v1/suggestions/bulk-review/",
        {"ids": [ok1.pk, ok2.pk, no_consent.pk, other_county.pk], "decision": "approve"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "bulk_review_failed"
    assert body["fields"] == {
        f"ids.{no_consent.pk}": [
            {"code": "consent_required", "message": body["fields"][f"ids.{no_consent.pk}"][0]["message"]}
        ],
        f"ids.{other_county.pk}": [{"code": "not_found", "message": "未找到该建议。"}],
    }
    assert set(Suggestion.objects.values_list("status", flat=True)) == {"pending"}
    assert not Application.objects.exists()
    assert not Enrolment.objects.exists()
    assert not SuggestionEvent.objects.exists()

    response = client.post(
        "/api/v1/suggestions/bulk-review/", {"ids": [ok1.pk, ok2.pk], "decision": "approve"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert {r["status"] for r in response.json()["results"]} == {"approved"}
    assert Application.objects.count() == 1
    assert Enrolment.objects.count() == 1
    reject_all = client.post(
        "/api/v1/suggestions/bulk-review/", {"ids": [no_consent.pk], "decision": "reject"}, format="json"
    )
    assert reject_all.status_code == 400
    assert "reason_code" in reject_all.json()["fields"]


def test_the_worker_sees_an_approved_suggestion_and_not_the_review_internals():
    world = build_world()
    suggestion = make_suggestion(world.workers["worker_a"], world.postings["cook_x"])
    pending_one = make_suggestion(world.workers["worker_a"], world.postings["welder_x"])
    client_for(world.user("staff_x")).post(
        f"/api/v1/suggestions/{suggestion.pk}/review/",
        {"decision": "approve", "note": "内部备注"},
        format="json",
    )
    worker = client_for(world.user("worker_a"))
    mine = worker.get("/api/v1/me/suggestions/").json()["results"]
    assert [row["id"] for row in mine] == [suggestion.pk]
    row = mine[0]
    assert row["item"]["title"] == "粤菜厨师"
    assert row["explanation"]["summary"]
    assert "note" not in row
    assert "reviewed_by" not in row
    assert "score" not in row
    assert worker.get(f"/api/v1/suggestions/{pending_one.pk}/").status_code == 404


def test_suggestion_list_filters_and_keeps_a_fixed_number_of_queries(django_assert_max_num_queries):
    world = build_world()
    a, b = world.workers["worker_a"], world.workers["worker_b"]
    for key, score in (("cook_x", 0.9), ("helper_x", 0.4), ("welder_x", 0.2)):
        make_suggestion(a, world.postings[key], score=score)
    make_suggestion(a, world.sessions["cantonese"], score=0.7)
    make_suggestion(b, world.postings["welder_y"], score=0.8)
    client = client_for(world.user("admin"))

    def ids(**params):
        return [r["item"]["title"] for r in client.get("/api/v1/suggestions/", params).json()["results"]]

    assert ids(kind="job", min_score=0.3) == ["粤菜厨师", "乐昌电焊工", "厨房帮工"]
    assert ids(county=Y) == ["乐昌电焊工"]
    assert ids(county="440000") == ["粤菜厨师", "乐昌电焊工", "粤菜师傅烧腊培训班", "厨房帮工", "电焊工"]
    assert ids(max_score=0.3) == ["电焊工"]
    assert ids(status="approved") == []
    assert client.get("/api/v1/suggestions/", {"min_score": "high"}).status_code == 400
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/suggestions/").json()["results"]) == 5


def test_runs_start_show_progress_and_finish(django_capture_on_commit_callbacks):
    world = build_world()
    client = client_for(world.user("staff_x"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/matching/runs/", {"kind": "both"}, format="json")
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    run = client.get(f"/api/v1/matching/runs/{run_id}/").json()
    assert run["status"] == "succeeded"
    assert run["progress"] == 1.0
    assert run["processed_workers"] == run["total_workers"] == 2
    assert run["model_version"] == BASELINE_VERSION
    assert run["suggestions_created"] > 0
    assert [r["id"] for r in client.get("/api/v1/matching/runs/").json()["results"]] == [run_id]
    assert client_for(world.user("staff_y")).get(f"/api/v1/matching/runs/{run_id}/").status_code == 404
    suggestions = client.get("/api/v1/suggestions/", {"run": run_id}).json()
    assert suggestions["count"] == run["suggestions_created"]
    bad = client.post("/api/v1/matching/runs/", {"kind": "job", "county_codes": [Y]}, format="json")
    assert bad.status_code == 403


def test_model_versions_are_listed_with_metrics_and_only_an_admin_switches():
    world = build_world()
    from matching.services import versions

    versions.model_version_register(
        name="learned-test", kind="learned", artefact_path="/nonexistent.joblib",
        metrics={"ndcg@10": 0.61, "recall@10": 0.55, "mrr": 0.5, "split": "time"}, trained_on={"examples": 1200},
    )  # fmt: skip
    from matching.engine import ensure_baseline

    ensure_baseline()
    staff = client_for(world.user("staff_x"))
    rows = staff.get("/api/v1/matching/model-versions/").json()["results"]
    assert [r["name"] for r in rows] == [BASELINE_VERSION, "learned-test"]
    assert rows[1]["metrics"]["ndcg@10"] == 0.61
    learned = ModelVersion.objects.get(name="learned-test")
    assert staff.post(f"/api/v1/matching/model-versions/{learned.pk}/activate/").status_code == 403
    response = client_for(world.user("admin")).post(f"/api/v1/matching/model-versions/{learned.pk}/activate/")
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert list(ModelVersion.objects.filter(is_active=True).values_list("name", flat=True)) == [
        "learned-test"
    ]
    assert client_for(world.user("worker_a")).get("/api/v1/matching/model-versions/").json()["results"] == []


def test_the_openapi_schema_documents_the_matching_endpoints():
    paths = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/workers/{worker_id}/recommendations/",
        "/api/v1/matching/preview/",
        "/api/v1/suggestions/",
        "/api/v1/suggestions/{id}/review/",
        "/api/v1/suggestions/bulk-review/",
        "/api/v1/suggestions/{id}/annotate/",
        "/api/v1/matching/runs/",
        "/api/v1/matching/runs/{id}/",
        "/api/v1/matching/model-versions/",
        "/api/v1/me/suggestions/",
    ):
        assert path in paths, path
