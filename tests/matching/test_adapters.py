"""DB rows → the core's dataclasses: what reaches the engine, and what never does."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from backend.workers.models import WorkerProfile
from matching import adapters
from matching.core.types import Place, WorkerData
from tests import factories as f

from .world import X, Y, build_world, give_skills, occ, skill

pytestmark = pytest.mark.django_db


def _twin(worker: WorkerProfile, **changes) -> WorkerProfile:
    """A second profile identical to `worker` in everything matching may use."""
    twin = f.WorkerProfileFactory(
        current_division=worker.current_division,
        hukou_division=worker.hukou_division,
        wants_work_near_home=worker.wants_work_near_home,
        wage_floor=worker.wage_floor,
        needs_lodging=worker.needs_lodging,
        **changes,
    )
    twin.desired_occupations.set(worker.desired_occupations.all())
    twin.preferred_divisions.set(worker.preferred_divisions.all())
    for held in worker.skills.all():
        twin.skills.create(skill=held.skill, years=held.years, level=held.level)
    for held in worker.certificates.all():
        twin.certificates.create(certificate_type=held.certificate_type, level=held.level)
    return twin


def _without_id(data: WorkerData) -> WorkerData:
    return dataclasses.replace(data, id=None)


def test_gender_ethnicity_age_and_education_never_reach_the_engine():
    world = build_world()
    a = world.workers["worker_a"]
    twin = _twin(a, gender=WorkerProfile.Gender.MALE, ethnicity="汉族", birth_year=1960, education="bachelor")
    assert _without_id(adapters.worker_data(a)) == _without_id(adapters.worker_data(twin))
    names = {field.name for field in dataclasses.fields(WorkerData)}
    assert not names & {"gender", "ethnicity", "birth_year", "education", "name", "mobile", "hukou_division"}
    assert "瑶族" not in repr(adapters.worker_data(a))


def test_hukou_reaches_the_engine_only_as_a_place_and_only_for_a_worker_who_wants_to_work_near_home():
    build_world()
    home = f.division(Y)
    near_home = f.WorkerProfileFactory(
        current_division=f.division(X), hukou_division=home, wants_work_near_home=True
    )
    elsewhere = f.WorkerProfileFactory(
        current_division=f.division(X), hukou_division=home, wants_work_near_home=False
    )
    from_guangxi = f.WorkerProfileFactory(
        current_division=f.division(X), hukou_division=f.division("450102"), wants_work_near_home=False
    )
    data = adapters.worker_data(near_home)
    assert data.hukou == Place(lat=home.latitude, lng=home.longitude, name=home.name)
    assert isinstance(data.hukou, Place)
    assert adapters.worker_data(elsewhere).hukou is None
    # Two workers identical but for hukou province, with no wish to work near home: the same input.
    assert _without_id(adapters.worker_data(elsewhere)) == _without_id(adapters.worker_data(from_guangxi))


def test_worker_data_carries_skills_certificates_wishes_and_places():
    world = build_world()
    a = world.workers["worker_a"]
    a.preferred_divisions.set([f.division(Y)])
    a.max_commute_km = 30
    a.available_from = dt.date(2030, 3, 1)
    a.save()
    data = adapters.worker_data(a)
    assert set(data.skills) == {
        skill("wok-cooking").pk,
        skill("knife-work").pk,
        skill("kitchen-food-safety").pk,
    }
    assert data.skills[skill("wok-cooking").pk].years == 3
    assert len(data.certificates) == 1
    assert data.desired_occupations == (occ("chinese-cook").pk,)
    x = f.division(X)
    assert data.current == Place(lat=x.latitude, lng=x.longitude, name="英德市")
    assert [p.name for p in data.preferred] == ["乐昌市"]  # named, for "离您选的乐昌市3公里"
    assert (data.wage_floor, data.needs_lodging, data.max_commute_km) == (3500, True, 30.0)
    assert data.available_from == dt.date(2030, 3, 1)
    assert "中式烹调师" in data.text
    assert "炒锅烹饪" in data.text


def test_an_unsaved_profile_from_the_window_gives_the_same_data_as_the_saved_one():
    world = build_world()
    a = world.workers["worker_a"]
    unsaved = {
        "current_division": a.current_division,
        "hukou_division": None,
        "desired_occupations": list(a.desired_occupations.all()),
        "skills": [{"skill": s.skill, "years": s.years, "level": s.level} for s in a.skills.all()],
        "certificates": [
            {"certificate_type": c.certificate_type, "level": c.level} for c in a.certificates.all()
        ],
        "wage_floor": 3500,
        "needs_lodging": True,
    }
    assert adapters.worker_data_from_input(unsaved) == _without_id(adapters.worker_data(a))


def test_many_workers_are_read_with_a_fixed_number_of_queries(django_assert_num_queries):
    build_world()
    for _ in range(15):
        w = f.WorkerProfileFactory(
            current_division=f.division(X), wants_work_near_home=True, hukou_division=f.division(Y)
        )
        w.desired_occupations.set([occ("welder")])
        w.preferred_divisions.set([f.division(Y)])
        give_skills(w, "smaw")
    ids = list(
        WorkerProfile.objects.order_by("pk").values_list("pk", flat=True)
    )  # PostgreSQL: no order otherwise
    with django_assert_num_queries(6):
        few = adapters.workers_data(ids[:2])
    with django_assert_num_queries(6):
        many = adapters.workers_data(ids)
    assert [w.id for w in many] == ids
    assert few == many[:2]


def test_catalogue_holds_published_unexpired_postings_and_open_sessions_of_published_programs():
    world = build_world()
    full = f.SessionFactory(program=world.sessions["welding"].program, seats=1, enrolled_count=1)
    draft_program = f.ProgramFactory(status="draft", published_at=None)
    f.SessionFactory(program=draft_program)
    late = f.SessionFactory(
        program=world.sessions["welding"].program, enrol_deadline=dt.date.today() - dt.timedelta(days=1)
    )
    items = adapters.catalogue_items()
    jobs = {i.id for i in items if i.kind == "job"}
    trainings = {i.id for i in items if i.kind == "training"}
    p, s = world.postings, world.sessions
    assert jobs == {p[k].pk for k in ("cook_x", "cantonese_x", "helper_x", "welder_x", "cook_y", "welder_y")}
    assert trainings == {s[k].pk for k in ("cantonese", "welding", "pastry")}
    assert full.pk not in trainings
    assert late.pk not in trainings

    cook = next(i for i in items if i.kind == "job" and i.id == p["cook_x"].pk)
    assert set(cook.required_skills) == {skill("wok-cooking").pk, skill("knife-work").pk}
    assert cook.lodging is True
    assert cook.wage_min == 4000
    assert cook.place is not None
    course = next(i for i in items if i.kind == "training" and i.id == s["cantonese"].pk)
    assert course.program_id == s["cantonese"].program_id
    assert set(course.required_skills) == {skill("cantonese-cuisine").pk, skill("roast-meat").pk}
    assert course.free is True
    assert course.start_date == s["cantonese"].start_date


def test_catalogue_is_read_with_a_fixed_number_of_queries(django_assert_num_queries):
    world = build_world()
    with django_assert_num_queries(5):
        before = adapters.catalogue_items()
    for n in range(10):
        f.PostingFactory(employer=world.postings["cook_x"].employer, title=f"岗位{n}").required_skills.set(
            [skill("wok-cooking")]
        )
        f.SessionFactory(program=world.sessions["pastry"].program)
    with django_assert_num_queries(5):
        after = adapters.catalogue_items()
    assert len(after) == len(before) + 20


def test_taxonomy_names_skills_occupations_and_certificates():
    build_world()
    taxonomy = adapters.taxonomy_data()
    assert taxonomy.skills[skill("wok-cooking").pk] == "炒锅烹饪"
    name, skill_ids = taxonomy.occupations[occ("chinese-cook").pk]
    assert name == "中式烹调师"
    assert skill("wok-cooking").pk in skill_ids
    assert any(has_levels for _name, has_levels in taxonomy.certificates.values())


def test_trade_terms_reach_explanations_with_their_plain_gloss():
    names = adapters.taxonomy_data().skills
    assert names[skill("pda").pk] == "巴枪PDA操作(用扫码枪登记快件)"
    assert names[skill("wok-cooking").pk] == "炒锅烹饪"  # plain words need no gloss
