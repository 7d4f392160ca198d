"""The counsellor-judged set (matching/evaluation/counsellor_set.json): the file is what the builder
writes from the hand-written YAML, and the measure check passes (no ranker involved)."""

from __future__ import annotations

from matching.evaluation.counsellor import build


def test_json_is_what_the_builder_writes():
    assert build.OUTPUT.read_text(encoding="utf-8") == build.render(build.build())


def test_measure_check_passes():
    problems, figures = build.measure(build.build())
    assert problems == []
    assert figures["workers"] >= 40
    assert 90 <= figures["postings"] <= 125
    assert all(figures["by_grade"].get(grade, 0) > 0 for grade in range(4))


def test_measure_catches_a_broken_judgment():
    data = build.build()
    # a worker who will not relocate, graded 3 for a Shenzhen job, and a held level re-offered
    data["judgments"].append({"worker": "w-01", "item": "p-ba-04", "relevance": 3})
    data["judgments"].append({"worker": "w-02", "item": "g-sg-01", "relevance": 2})
    problems, _ = build.measure(data)
    assert any("w-01 / p-ba-04" in p and "will not relocate" in p for p in problems)
    assert any("w-02 / g-sg-01" in p and "already holds" in p for p in problems)
