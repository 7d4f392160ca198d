"""The matching evaluation set (matching/evaluation/eval_set.json): the file is what build_set.py
writes, every record imports, every judgment names records of the set, and the judging rules
grade worked examples as a counsellor would."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import replace

import pytest

from backend.imports.schemas import SCHEMAS
from matching.evaluation import build_set
from matching.evaluation.build_set import (
    FAR,
    NEAR,
    SECTIONS,
    STRETCH,
    ItemView,
    WorkerView,
    judge_job,
    judge_training,
    reach,
)

MIN_WORKERS = 60
MIN_HAND_WORKERS = 15
MAX_BYTES = 400 * 1024
POSTINGS_VALID_AFTER = dt.date(2027, 12, 31)
SESSIONS_START_AFTER = dt.date(2027, 1, 1)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The set regenerated in a throwaway database (isolated_database), and every section
    imported into it with the import service: (EvalSet, rows created per section)."""
    from backend.common.isolated_db import isolated_database

    with django_db_blocker.unblock(), isolated_database():
        result = build_set.generate()
        created = build_set.import_sections(result.data)
    return result, created


@pytest.fixture(scope="module")
def stored() -> dict:
    return json.loads(build_set.OUT.read_text(encoding="utf-8"))


# --- the file -------------------------------------------------------------------------------------
def test_the_file_is_what_the_generator_writes(built):
    result, _created = built
    assert build_set.OUT.read_text(encoding="utf-8") == build_set.dumps(result.data), (
        "eval_set.json is out of date: run .venv/bin/python -m matching.evaluation.build_set"
    )


def test_every_section_imports_into_a_throwaway_database(built, stored):
    _result, created = built
    for section in SECTIONS:
        assert created[section] == len(stored[section]) > 0, section


def test_the_file_is_small_and_has_the_contract_keys(stored):
    assert build_set.OUT.stat().st_size < MAX_BYTES
    assert set(stored) == {*SECTIONS, "judgments"}
    for judgment in stored["judgments"]:
        assert set(judgment) == {"worker", "item", "relevance"}


def test_records_use_the_import_format_field_names(stored):
    for section in SECTIONS:
        fields = {column.field for column in SCHEMAS[section].columns}
        required = {column.field for column in SCHEMAS[section].required}
        ids = [record["external_id"] for record in stored[section]]
        assert len(ids) == len(set(ids)), section
        assert ids == sorted(ids), section
        for record in stored[section]:
            assert set(record) <= fields, (section, set(record) - fields)
            assert required <= set(record), (section, required - set(record))


# --- the judgments ---------------------------------------------------------------------------------
def test_enough_workers_are_judged_and_every_worker_is(stored):
    judged = {j["worker"] for j in stored["judgments"]}
    assert len(judged) >= MIN_WORKERS
    assert judged == {w["external_id"] for w in stored["workers"]}


def test_every_judged_id_exists_and_item_ids_are_distinct_across_kinds(stored):
    postings = {p["external_id"] for p in stored["postings"]}
    sessions = {s["external_id"] for s in stored["sessions"]}
    programs = {p["external_id"] for p in stored["programs"]}
    workers = {w["external_id"] for w in stored["workers"]}
    assert all(i.startswith("ev-post-") for i in postings)
    assert all(i.startswith("ev-sess-") for i in sessions)
    pairs = Counter((j["worker"], j["item"]) for j in stored["judgments"])
    assert max(pairs.values()) == 1, "a pair judged twice"
    for j in stored["judgments"]:
        assert j["worker"] in workers, j
        assert j["item"] in postings | programs, j  # trainings are judged by program


def test_every_worker_has_a_relevant_item_and_grades_are_0_to_3(stored):
    grades = Counter(j["relevance"] for j in stored["judgments"])
    assert set(grades) == {0, 1, 2, 3}
    best: dict[str, int] = {}
    for j in stored["judgments"]:
        best[j["worker"]] = max(best.get(j["worker"], 0), j["relevance"])
    assert not [w for w, grade in best.items() if grade < 1]
    per_worker = Counter(j["worker"] for j in stored["judgments"])
    assert min(per_worker.values()) >= build_set.MIN_JUDGED


def test_judged_items_stay_in_the_catalogue_for_a_year(stored):
    """The engine's catalogue takes published, unexpired postings and open sessions of published
    programs whose enrolment is still open: every judged item is one until 2027-12-31."""
    programs = {p["external_id"]: p for p in stored["programs"]}
    for posting in stored["postings"]:
        assert posting["status"] in ("published", "招聘中"), posting["external_id"]
        assert dt.date.fromisoformat(posting["expires_on"]) > POSTINGS_VALID_AFTER, posting["external_id"]
    for session in stored["sessions"]:
        assert session["status"] in ("open", "报名中"), session["external_id"]
        assert programs[session["program"]]["status"] in ("published", "已发布"), session["external_id"]
        assert dt.date.fromisoformat(session["start_date"]) > SESSIONS_START_AFTER
        assert dt.date.fromisoformat(session["enrol_deadline"]) > POSTINGS_VALID_AFTER, session["external_id"]


def test_hand_checked_cases_are_in_the_set_as_written(stored):
    hand = build_set.load_hand_checked()
    assert len(hand["workers"]) >= MIN_HAND_WORKERS
    judged = {(j["worker"], j["item"]): j["relevance"] for j in stored["judgments"]}
    program_of = {s["external_id"]: s["program"] for s in stored["sessions"]}
    for case in hand["workers"]:
        assert len(case["note"]) > 40, case["worker"]["external_id"]
        worker = case["worker"]["external_id"]
        for item, grade in case["judgments"].items():
            # A hand-judged session counts for its program, at the best grade of its sessions.
            assert judged[(worker, program_of.get(item, item))] >= grade, (worker, item)
    for section in ("providers", "employers", "programs", "sessions", "postings"):
        ids = {r["external_id"] for r in stored[section]}
        assert {r["external_id"] for r in hand[section]} <= ids, section


def test_the_rules_agree_with_most_hand_judgments(built):
    """Hand judgments win where they differ; the rules should rarely need overruling."""
    result, _created = built
    differ = [pair for pair, grade in result.hand.items() if result.rule_grades[pair].grade != grade]
    assert len(differ) <= len(result.hand) // 10, differ


# --- the rules, on worked examples -------------------------------------------------------------------
YINGDE, QINGCHENG, NANHAI = (24.206986, 113.401701), (23.697899, 113.062692), (23.028956, 113.143441)


class FakeReference:
    """The taxonomy facts the rules read, for two trades."""

    cert_kind = {"op-welding": "special_operation", "level-welder": "skill_level", "health": "health"}
    cert_levels = {"level-welder": True}
    occ_skills = {
        "welder": frozenset({"smaw", "gmaw", "gtaw", "pipe-welding"}),
        "electronics-assembler": frozenset({"hand-soldering", "smt"}),
        "electrician": frozenset({"indoor-wiring", "plc"}),
        "syb-training": frozenset({"business-plan"}),
    }
    category = {"welder": "机电", "electrician": "机电", "electronics-assembler": "电子制造"}

    def is_licence(self, certificate):
        return self.cert_kind.get(certificate) in build_set.LICENCE_KINDS

    def usual_licence(self, occupation):
        return "op-welding" if occupation == "welder" else None

    def related(self, occupation, desired):
        return any(o != occupation and self.category.get(o) == self.category.get(occupation) for o in desired)


WELDER = WorkerView(
    id="w", desired=frozenset({"welder"}), skills=frozenset({"smaw", "gmaw"}), certificates={"op-welding": None},
    places=(QINGCHENG,), max_commute_km=30.0, willing_to_relocate=False, wage_floor=6000, needs_lodging=False,
    wants_business=False,
)  # fmt: skip
JOB = ItemView(
    id="j", kind="job", occupation="welder", skills=frozenset({"smaw"}), certificate="op-welding", level=None,
    place=QINGCHENG, online=False, wage_max=8000, lodging=False, brand="", title="电焊工",
)  # fmt: skip
COURSE = ItemView(
    id="c", kind="training", occupation="welder", skills=frozenset({"gtaw", "pipe-welding"}),
    certificate="level-welder", level=5, place=QINGCHENG, online=False, wage_max=None, lodging=False,
    brand="gd_technician", title="焊工(五级)培训班",
)  # fmt: skip


def welder(**changes) -> WorkerView:
    """A welder in 清城 with 焊工证, 电焊 and 二保焊, 30 km, 6000 yuan, who won't move."""
    return replace(WELDER, **changes)


def job(**changes) -> ItemView:
    """A 焊工 job in 清城 asking for 电焊 and 焊工证, up to 8000 yuan, no lodging."""
    return replace(JOB, **changes)


def course(**changes) -> ItemView:
    """A 焊工(五级) course in 清城 teaching 氩弧焊 and 管道焊接."""
    return replace(COURSE, **changes)


REF = FakeReference()


def test_reach_near_stretch_far():
    assert reach(welder(), job())[0] == NEAR
    assert reach(welder(), job(place=YINGDE))[0] == FAR  # 66 km, limit 30, won't move
    assert reach(welder(willing_to_relocate=True), job(place=YINGDE))[0] == STRETCH
    # 不愿去外地 without a limit: the county and its neighbours (60 km); 66 km is out of reach.
    assert reach(welder(max_commute_km=None), job(place=YINGDE))[0] == FAR
    assert reach(welder(max_commute_km=None, willing_to_relocate=True), job(place=YINGDE))[0] == STRETCH
    assert reach(welder(max_commute_km=None), job(place=(25.13, 113.35)))[0] == FAR  # 乐昌, 162 km
    assert reach(welder(), course(online=True, place=YINGDE))[0] == NEAR
    # a course is attended from home: beyond 100 km it is out of reach even for a worker who'd move
    assert reach(welder(willing_to_relocate=True), course(place=(25.13, 113.35)))[0] == FAR


def test_jobs_graded_by_shortfalls():
    assert judge_job(REF, welder(), job()).grade == 3
    assert judge_job(REF, welder(), job(skills=frozenset({"smaw", "gtaw"}))).grade == 2  # a skill missing
    assert judge_job(REF, welder(), job(wage_max=5500)).grade == 2  # 92% of the floor
    assert judge_job(REF, welder(), job(wage_max=4500)).grade == 1  # under 80%: two shortfalls
    assert (
        judge_job(REF, welder(needs_lodging=True), job(skills=frozenset({"gtaw", "pipe-welding"}))).grade == 0
    )
    assert judge_job(REF, welder(willing_to_relocate=True), job(place=YINGDE)).grade == 2  # a stretch
    assert judge_job(REF, welder(), job(place=YINGDE)).grade == 0  # out of reach
    assert judge_job(REF, welder(certificates={}), job()).grade == 0  # no 焊工证
    assert (
        judge_job(REF, welder(), job(certificate="level-welder", level=4)).grade == 2
    )  # no level certificate
    assert judge_job(REF, welder(certificates={"op-welding": None, "level-welder": 4}), job(certificate="level-welder", level=4)).grade == 3  # fmt: skip


def test_related_and_unrelated_jobs():
    electrician_job = job(
        occupation="electrician", skills=frozenset({"smaw"}), certificate=None, title="电工"
    )
    assert judge_job(REF, welder(), electrician_job).grade == 1  # same trade, a skill he has
    none_held = job(occupation="electrician", skills=frozenset({"plc"}), certificate=None, title="电工")
    assert judge_job(REF, welder(), none_held).grade == 0  # same trade, but none of its skills
    soldering = job(occupation="electronics-assembler", skills=frozenset({"hand-soldering"}), certificate=None, title="焊锡工")  # fmt: skip
    assert judge_job(REF, welder(), soldering).grade == 0  # shares 焊 with the trade, another occupation


def test_courses_graded_by_what_they_give():
    no_licence = welder(certificates={})
    licence_course = course(certificate="op-welding", level=None, skills=frozenset({"smaw"}))
    assert judge_training(REF, no_licence, licence_course).grade == 3  # the missing 焊工证
    assert judge_training(REF, welder(), licence_course).grade == 0  # already holds it: never offered
    assert judge_training(REF, no_licence, course()).grade == 2  # useful, but the licence comes first
    assert judge_training(REF, welder(), course()).grade == 3  # first level certificate, new skills
    holds_5 = welder(certificates={"op-welding": None, "level-welder": 5})
    assert judge_training(REF, holds_5, course(level=4)).grade == 3  # the next level
    assert judge_training(REF, holds_5, course(level=3)).grade == 1  # skips a level
    assert judge_training(REF, holds_5, course(level=5)).grade == 0  # already holds it
    assert judge_training(REF, welder(), course(place=YINGDE)).grade == 0  # out of reach
    assert judge_training(REF, welder(), course(place=YINGDE, online=True)).grade == 3  # online


def test_malanhua_for_would_be_owners_only():
    syb = course(occupation="syb-training", brand="malanhua", certificate=None, level=None,
                 skills=frozenset({"business-plan"}))  # fmt: skip
    assert judge_training(REF, welder(wants_business=True), syb).grade == 3
    assert judge_training(REF, welder(), syb).grade == 0
    iyb = course(
        occupation="iyb-training", brand="malanhua", certificate=None, level=None, skills=frozenset()
    )
    assert judge_training(REF, welder(wants_business=True), iyb).grade == 1  # for running businesses
