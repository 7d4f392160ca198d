"""Live recommendations, the window preview, and the engine's cached catalogue and ranker."""

from __future__ import annotations

import pytest

from backend.common.errors import PermissionDenied, ValidationFailed
from backend.jobs.models import Application
from backend.workers.models import WorkerProfile
from matching import engine
from matching.core.catalogue import Catalogue
from matching.core.rankers import BASELINE_VERSION
from matching.models import ModelVersion, Suggestion
from matching.services import recommend, versions
from tests import factories as f

from .world import X, build_world, cert, occ, skill

pytestmark = pytest.mark.django_db


def test_live_job_recommendations_are_explained_and_carry_the_item():
    world = build_world()
    result = recommend.recommendations_for_worker(
        actor=world.user("worker_a"), worker=world.workers["worker_a"], kind="job", k=10
    )
    assert result.model_version == BASELINE_VERSION
    assert result.catalogue_version
    ids = [r["item_id"] for r in result.results]
    p = world.postings
    assert p["cook_x"].pk in ids
    assert p["draft_x"].pk not in ids
    assert p["expired_x"].pk not in ids
    assert [r["rank"] for r in result.results] == list(range(1, len(ids) + 1))
    top = next(r for r in result.results if r["item_id"] == p["cook_x"].pk)
    assert "炒锅烹饪" in top["explanation"]["matched_skills"]
    assert top["summary"]
    assert top["item"]["title"] == "粤菜厨师"
    assert top["item"]["division"]["id"] == X
    assert top["qualified"] is True
    # The cook ranks the cook's job above the welder's.
    if p["welder_x"].pk in ids:
        assert ids.index(p["cook_x"].pk) < ids.index(p["welder_x"].pk)


def test_a_job_the_worker_does_not_yet_qualify_for_comes_with_a_training_pathway():
    world = build_world()
    result = recommend.recommendations_for_worker(
        actor=world.user("staff_x"), worker=world.workers["worker_a"], kind="job", k=10
    )
    gap = next(r for r in result.results if r["item_id"] == world.postings["cantonese_x"].pk)
    assert gap["qualified"] is False
    assert set(gap["explanation"]["missing_skills"]) >= {"粤菜烹饪", "烧腊制作"}
    assert world.sessions["cantonese"].pk in [p["session_id"] for p in gap["pathways"]]


def test_live_training_recommendations_are_sessions_with_reasons():
    world = build_world()
    # worker_b lives in 乐昌, ~130 km from the 英德 venues: a course is attended from home, so
    # within reach only for someone who would travel that far.
    world.workers["worker_b"].max_commute_km = 150
    world.workers["worker_b"].save(update_fields=["max_commute_km"])
    result = recommend.recommendations_for_worker(
        actor=world.user("admin"), worker=world.workers["worker_b"], kind="training", k=5
    )
    ids = [r["item_id"] for r in result.results]
    assert world.sessions["welding"].pk in ids or world.sessions["cantonese"].pk in ids
    assert world.sessions["cancelled"].pk not in ids
    first = result.results[0]
    assert first["kind"] == "training"
    assert first["item"]["provider"]
    assert first["summary"]


@pytest.mark.parametrize("role", ["worker_b", "staff_y", "provider", "employer", "anonymous"])
def test_only_the_worker_their_staff_and_admins_get_live_recommendations(role):
    world = build_world()
    with pytest.raises(PermissionDenied):
        recommend.recommendations_for_worker(
            actor=world.user(role), worker=world.workers["worker_a"], kind="job"
        )


def test_kind_and_k_are_checked():
    world = build_world()
    with pytest.raises(ValidationFailed):
        recommend.recommendations_for_worker(
            actor=world.user("admin"), worker=world.workers["worker_a"], kind="x"
        )
    with pytest.raises(ValidationFailed):
        recommend.recommendations_for_worker(
            actor=world.user("admin"), worker=world.workers["worker_a"], kind="job", k=0
        )


def _window_profile():
    return {
        "current_division": f.division(X),
        "desired_occupations": [occ("welder")],
        "skills": [{"skill": skill("smaw"), "years": 5, "level": None}],
        "certificates": [{"certificate_type": cert("op-welding"), "level": None}],
        "wage_floor": 4000,
        "kind": "job",
        "k": 5,
    }


def test_preview_recommends_for_an_unsaved_profile_and_saves_nothing():
    world = build_world()
    counts = (WorkerProfile.objects.count(), Suggestion.objects.count(), Application.objects.count())
    result = recommend.matching_preview(actor=world.user("staff_x"), data=_window_profile())
    assert result.results
    assert result.results[0]["item_id"] in {world.postings["welder_x"].pk, world.postings["welder_y"].pk}
    assert (WorkerProfile.objects.count(), Suggestion.objects.count(), Application.objects.count()) == counts


@pytest.mark.parametrize("role", ["worker_a", "provider", "employer", "anonymous"])
def test_preview_is_for_staff_only(role):
    world = build_world()
    with pytest.raises(PermissionDenied):
        recommend.matching_preview(actor=world.user(role), data=_window_profile())


def test_the_catalogue_is_built_once_per_version_and_stored_on_disk(monkeypatch, settings):
    world = build_world()
    builds = []
    real_build = Catalogue.build.__func__

    def counting_build(cls, *args, **kwargs):
        builds.append(kwargs["version"])
        return real_build(cls, *args, **kwargs)

    monkeypatch.setattr(Catalogue, "build", classmethod(counting_build))
    worker, admin = world.workers["worker_a"], world.user("admin")
    for _ in range(3):
        recommend.recommendations_for_worker(actor=admin, worker=worker, kind="job")
    assert len(builds) == 1
    assert (settings.MATCHING_ARTEFACT_DIR / f"catalogue-{builds[0]}.joblib").exists()

    # Another process (here: a fresh engine) loads the file instead of rebuilding.
    engine.reset()
    recommend.recommendations_for_worker(actor=admin, worker=worker, kind="job")
    assert len(builds) == 1

    # A change to the catalogue makes a new version.
    new = f.PostingFactory(
        employer=world.postings["cook_x"].employer, title="新厨师岗位", occupation=occ("chinese-cook")
    )
    new.required_skills.set([skill("wok-cooking")])
    result = recommend.recommendations_for_worker(actor=admin, worker=worker, kind="job", k=20)
    assert len(builds) == 2
    assert new.pk in [r["item_id"] for r in result.results]


def test_the_active_ranker_is_the_baseline_until_a_learned_version_is_activated(tmp_path):
    build_world()
    model, ranker = engine.active_model()
    assert model.name == BASELINE_VERSION
    assert model.is_active
    assert type(ranker).__name__ == "BaselineRanker"
    # A learned version whose artefact cannot be read falls back to the baseline, and says so.
    versions.model_version_register(
        name="learned-broken", kind="learned", artefact_path=str(tmp_path / "missing.joblib"), activate=True
    )
    engine.reset(model_only=True)
    model, ranker = engine.active_model()
    assert model.name == BASELINE_VERSION
    assert type(ranker).__name__ == "BaselineRanker"
    assert ModelVersion.objects.get(is_active=True).name == "learned-broken"


def test_a_busy_catalogue_is_not_refitted_on_every_change_and_closed_items_are_not_shown(settings):
    world = build_world()
    settings.MATCHING_REBUILD_SECONDS = 3600
    worker, admin = world.workers["worker_a"], world.user("admin")
    first = recommend.recommendations_for_worker(actor=admin, worker=worker, kind="job", k=20)
    assert world.postings["cook_x"].pk in [r["item_id"] for r in first.results]

    # The posting is filled: the catalogue is kept (too young to rebuild) but the item is not shown.
    f.PostingFactory(employer=world.postings["cook_x"].employer, title="又一个岗位")
    world.postings["cook_x"].status = "filled"
    world.postings["cook_x"].save()
    second = recommend.recommendations_for_worker(actor=admin, worker=worker, kind="job", k=20)
    assert second.catalogue_version == first.catalogue_version
    assert world.postings["cook_x"].pk not in [r["item_id"] for r in second.results]

    # Once another process has stored the new version, it is loaded at once.
    version = engine.catalogue_version()
    engine.build_catalogue(version)
    third = recommend.recommendations_for_worker(actor=admin, worker=worker, kind="job", k=20)
    assert third.catalogue_version == version != first.catalogue_version
