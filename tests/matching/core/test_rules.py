"""The counsellor's rules (matching/core/rules.py), each against a case where it must hold and one
where it must not fire."""

from __future__ import annotations

from dataclasses import replace

from matching.core import BaselineRanker, Catalogue, recommend
from matching.core.types import FIT_CONSIDER, FIT_GOOD, FIT_TRAIN_FIRST, Place, SkillHeld, TaxonomyData

from .helpers import (
    BUSINESS_PLAN,
    CERTIFICATES,
    COOK,
    COOK_LEVEL,
    ECOMMERCE,
    ELECTRICAL,
    ELECTRICIAN,
    ENTREPRENEUR,
    FORKLIFT,
    FORKLIFT_DRIVER,
    GUANGZHOU,
    KNIFE,
    OCCUPATIONS,
    SHAOGUAN,
    SKILLS,
    TAXONOMY,
    WELDER,
    WELDING_LICENCE,
    WOK,
    job,
    training,
    with_skill,
    worker,
)

# 焊工 and 电工 in one family (机电): related; 中式烹调师 and 叉车司机 unrelated to both.
FAMILIES = TaxonomyData(
    skills=SKILLS,
    occupations=OCCUPATIONS,
    certificates=CERTIFICATES,
    families={WELDER: "机电", ELECTRICIAN: "机电", COOK: "餐饮", FORKLIFT_DRIVER: "物流仓储"},
)
HOME = Place(23.13, 113.26, "广州市")


def _jobs(items, w, taxonomy=TAXONOMY, **kw):
    catalogue = Catalogue.build(items, taxonomy, version="rules")
    return recommend(w, catalogue, BaselineRanker(), kind="job", **kw)


def _trainings(items, w, taxonomy=TAXONOMY, **kw):
    catalogue = Catalogue.build(items, taxonomy, version="rules")
    return recommend(w, catalogue, BaselineRanker(), kind="training", **kw)


def test_wanted_occupation_first_then_related_and_never_an_unrelated_one():
    items = [
        job(1, occupation=COOK, required=(WOK,)),  # near, unrelated
        job(2, occupation=ELECTRICIAN, required=()),  # related (same family)
        job(3, occupation=WELDER, place=Place(23.5, 113.3)),  # wanted, 40 km away
        job(4, occupation=FORKLIFT_DRIVER, required=()),
    ]
    recs = _jobs(items, worker(current=HOME), FAMILIES)
    assert [r.item_id for r in recs] == [3, 2]
    assert [r.explanation.tier for r in recs] == ["wanted", "related"]
    assert recs[1].explanation.fit == FIT_CONSIDER
    # A worker who wants and practises nothing is not held to an intent: the near jobs are shown.
    open_profile = worker(current=HOME, skills={}, desired_occupations=(), text="")
    assert {r.item_id for r in _jobs(items, open_profile, FAMILIES)} == {1, 2, 3, 4}


def test_distance_says_from_where():
    chosen = Place(24.81, 113.60, "韶关市浈江区")
    items = [job(1, place=Place(23.14, 113.27)), job(2, place=Place(24.82, 113.61))]
    recs = {r.item_id: r.explanation for r in _jobs(items, worker(current=HOME, preferred=(chosen,)))}
    assert (recs[1].distance_from, recs[1].distance_from_chosen) == ("广州市", False)
    assert "离广州市2公里" in recs[1].summary
    assert (recs[2].distance_from, recs[2].distance_from_chosen) == ("韶关市浈江区", True)
    assert "离您选的韶关市浈江区" in recs[2].summary


def test_wont_relocate_without_a_limit_means_the_local_area():
    items = [job(1, place=Place(23.3, 113.3)), job(2, place=SHAOGUAN)]  # ~20 km and ~190 km
    stays = worker(current=HOME, max_commute_km=None, willing_to_relocate=False)
    assert [r.item_id for r in _jobs(items, stays)] == [1]
    moves = replace(stays, willing_to_relocate=True)
    assert {r.item_id for r in _jobs(items, moves)} == {1, 2}


def test_near_misses_are_shown_labelled_and_ranked_below_full_fits():
    items = [
        job(1, wage_min=4000, wage_max=4800),  # 4% under the floor
        job(2, wage_min=5000, wage_max=6000, place=Place(23.3, 113.3)),
        job(3, wage_min=5000, wage_max=6000, place=SHAOGUAN),  # beyond the 50 km she gave
        job(4, wage_min=5000, wage_max=6000, certificate_id=WELDING_LICENCE),
    ]
    w = worker(current=HOME, wage_floor=5000, max_commute_km=50, willing_to_relocate=True)
    recs = _jobs(items, w)
    assert recs[0].item_id == 2
    assert recs[0].explanation.near_misses == []
    assert recs[0].explanation.fit == FIT_GOOD
    misses = {r.item_id: r.explanation.near_misses for r in recs}
    assert misses[1] == ["wage_below_floor"]
    assert misses[3] == ["beyond_commute"]
    assert misses[4] == ["licence_missing"]
    assert {r.item_id: r.explanation.fit for r in recs}[4] == FIT_TRAIN_FIRST
    assert "超出您50公里的通勤范围" in next(r for r in recs if r.item_id == 3).explanation.summary


def test_a_level_already_held_is_never_offered_again():
    items = [
        training(1, occupation=COOK, taught=(WOK,), certificate_id=COOK_LEVEL, certificate_level=4),  # held
        training(2, occupation=COOK, taught=(WOK,), certificate_id=COOK_LEVEL, certificate_level=5),  # lower
        training(
            3, occupation=COOK, taught=(WOK,), certificate_id=COOK_LEVEL, certificate_level=3
        ),  # upgrade
    ]
    cook = worker(skills={WOK: SkillHeld(years=5)}, certificates={COOK_LEVEL: 4}, desired_occupations=(COOK,))
    assert [r.item_id for r in _trainings(items, cook)] == [3]
    unknown_level = replace(cook, certificates={COOK_LEVEL: None})
    assert {r.item_id for r in _trainings(items, unknown_level)} == {1, 2, 3}


def test_one_entry_per_program_with_its_other_dates():
    items = [training(i, program_id=7) for i in (1, 2, 3)] + [training(4, program_id=8)]
    recs = _trainings(items, worker())
    programs = [r.item_id for r in recs]
    assert len(programs) == 2
    assert 4 in programs
    first = next(r for r in recs if r.item_id != 4)
    assert sorted([first.item_id, *first.other_sessions]) == [1, 2, 3]


def test_no_employer_takes_more_than_two_places_while_others_have_jobs():
    items = [job(i, employer_id=1) for i in range(1, 6)] + [job(i, employer_id=2) for i in range(6, 8)]
    recs = _jobs(items, worker(), k=10)
    employers = [1 if r.item_id < 6 else 2 for r in recs][:4]
    assert employers.count(1) == 2
    assert employers.count(2) == 2
    assert len(recs) == 7  # the employer's other postings follow, they are not hidden
    unknown = [job(i) for i in range(1, 6)]  # no employer known: not capped
    assert len(_jobs(unknown, worker(), k=10)) == 5


def test_factor_labels_only_state_what_holds():
    w = worker(current=HOME)
    plain = _jobs([job(1, place=Place(23.14, 113.27))], w)[0].explanation
    named = {f.name for f in plain.top_features}
    assert "certificate_fit" not in named  # no certificate required: "您持有所需证书" would be false
    far = _jobs([job(1, place=Place(23.6, 113.3))], replace(w, willing_to_relocate=True))[0].explanation
    assert "proximity" not in {f.name for f in far.top_features}  # ~50 km is not "离您近"
    licensed = replace(w, certificates={WELDING_LICENCE: None})
    held = _jobs([job(1, certificate_id=WELDING_LICENCE, place=GUANGZHOU)], licensed)[0].explanation
    assert held.certificate.held
    assert held.near_misses == []


def test_beyond_the_commute_nearer_comes_first_whatever_the_score():
    items = [
        job(1, place=Place(23.13, 116.6)),  # ~340 km
        job(2, place=Place(23.6, 113.3), text="焊工 焊接"),  # ~50 km
    ]
    w = worker(current=HOME, max_commute_km=10, willing_to_relocate=True)
    assert [r.item_id for r in _jobs(items, w)] == [2, 1]


def test_each_factor_label_is_absent_where_its_fact_does_not_hold():
    w = worker(current=HOME, skills={WOK: SkillHeld(years=2)}, desired_occupations=(COOK,), text="")
    # A preferred skill the worker lacks: "您具备加分技能" is not a reason.
    lacks = _jobs([job(1, occupation=COOK, required=(WOK,), preferred_skills=(KNIFE,))], w)[0].explanation
    assert "preferred_coverage" not in {f.name for f in lacks.top_features}
    has = replace(w, skills={WOK: SkillHeld(years=2), KNIFE: SkillHeld(years=1)})
    holds = _jobs([job(1, occupation=COOK, required=(WOK,), preferred_skills=(KNIFE,))], has)[0].explanation
    assert "刀工" in holds.matched_skills  # the fact the label would state holds here
    # A paid course: "免费或有补贴" is not a reason; a free one may be named.
    paid = _trainings(
        [training(1, occupation=COOK, taught=(KNIFE,), free=False, subsidised=False, fee=3000.0)], w
    )
    assert "free_or_subsidised" not in {f.name for f in paid[0].explanation.top_features}
    assert "免费" not in paid[0].explanation.summary
    # None of the required skills held: 需先培训, never 适合.
    none_held = _jobs([job(1, occupation=COOK, required=(KNIFE,))], w)[0].explanation
    assert none_held.fit == FIT_TRAIN_FIRST
    assert "您会" not in none_held.summary


def test_a_course_of_another_trade_needs_a_typed_relation_not_just_the_family():
    # 电工 is in the welder's family: its jobs may be shown, its courses only through a relation.
    items = [
        training(1, occupation=ELECTRICIAN, taught=(ELECTRICAL,)),
        job(2, occupation=ELECTRICIAN, required=()),
    ]
    welder = worker(current=HOME)
    assert _trainings(items, welder, FAMILIES) == []
    assert [r.item_id for r in _jobs(items, welder, FAMILIES)] == [2]
    related = replace(FAMILIES, relations={WELDER: (ELECTRICIAN,), ELECTRICIAN: (WELDER,)})
    recs = _trainings(items, welder, related)
    assert [r.item_id for r in recs] == [1]
    assert recs[0].explanation.tier == "related"


def test_a_course_of_a_step_below_the_wish_is_not_offered():
    # 叉车司机 leads to 电工 here (a made-up ladder): a worker who wants 电工 is past 叉车司机.
    ladder = replace(
        TAXONOMY,
        relations={FORKLIFT_DRIVER: (ELECTRICIAN,), ELECTRICIAN: (FORKLIFT_DRIVER,)},
        next_steps={FORKLIFT_DRIVER: (ELECTRICIAN,)},
    )
    items = [
        training(1, occupation=FORKLIFT_DRIVER, taught=(FORKLIFT,)),
        training(2, occupation=ELECTRICIAN, taught=(ELECTRICAL,)),
    ]
    climbs = worker(current=HOME, skills={}, desired_occupations=(ELECTRICIAN,), text="")
    assert [r.item_id for r in _trainings(items, climbs, ladder)] == [2]
    # The one who wants 叉车司机 is offered the next step as a related course.
    starts = replace(climbs, desired_occupations=(FORKLIFT_DRIVER,))
    assert [r.item_id for r in _trainings(items, starts, ladder)] == [1, 2]


def test_a_startup_course_goes_to_founders_or_to_whoever_asked_for_it():
    course = training(1, occupation=ENTREPRENEUR, taught=(BUSINESS_PLAN, ECOMMERCE), brand="malanhua")
    # She sells online (both of the course's skills): she practises it, but wants no business.
    seller = worker(
        skills={BUSINESS_PLAN: SkillHeld(years=2), ECOMMERCE: SkillHeld(years=3)},
        desired_occupations=(COOK,),
        text="",
    )
    assert _trainings([course], seller) == []
    assert [r.item_id for r in _trainings([course], replace(seller, wants_to_start_business=True))] == [1]
    assert [
        r.item_id for r in _trainings([course], replace(seller, desired_occupations=(ENTREPRENEUR,)))
    ] == [1]


def test_a_third_posting_of_one_employer_goes_below_its_tier_not_below_another_trade():
    items = [job(i, employer_id=1) for i in (1, 2, 3)] + [
        job(4, occupation=ELECTRICIAN, required=(), employer_id=2)
    ]
    recs = _jobs(items, worker(current=HOME), FAMILIES, k=10)
    assert [r.explanation.tier for r in recs] == ["wanted", "wanted", "wanted", "related"]
    assert recs[-1].item_id == 4


def test_another_trade_of_the_family_needs_one_of_its_skills_unless_it_is_a_neighbouring_trade():
    items = [job(1, occupation=ELECTRICIAN, required=(ELECTRICAL,))]  # the welder holds none of it
    welder = worker(current=HOME)
    assert _jobs(items, welder, FAMILIES) == []
    assert [r.item_id for r in _jobs(items, with_skill(welder, ELECTRICAL), FAMILIES)] == [1]
    neighbours = replace(FAMILIES, relations={WELDER: (ELECTRICIAN,), ELECTRICIAN: (WELDER,)})
    assert [r.item_id for r in _jobs(items, welder, neighbours)] == [1]
    no_skills = replace(welder, skills={})  # a thin profile is not judged by skills it did not list
    assert [r.item_id for r in _jobs(items, no_skills, FAMILIES)] == [1]
