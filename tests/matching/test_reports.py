"""`manage.py explain_worker`: the profile, then the top items with true distances and reasons."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .world import build_world

pytestmark = pytest.mark.django_db


def test_explain_worker_prints_the_profile_then_items_with_distances_from_a_named_place():
    world = build_world()
    worker = world.workers["worker_a"]
    out = StringIO()
    call_command("explain_worker", str(worker.pk), "--kind", "job", stdout=out)
    text = out.getvalue()
    assert text.startswith(f"劳动者 #{worker.pk}")
    assert "想做: 中式烹调师" in text
    assert "常住地: 英德市" in text
    assert "岗位推荐" in text
    assert "培训推荐" not in text
    assert world.postings["cook_x"].title in text
    assert "(从英德市算)" in text  # every distance says from where
    assert "适合 (wanted)" in text or "需先培训 (wanted)" in text


def test_explain_worker_by_external_id_and_unknown_worker():
    world = build_world()
    out = StringIO()
    call_command("explain_worker", world.workers["worker_b"].external_id, stdout=out)
    assert "岗位推荐" in out.getvalue()
    assert "培训推荐" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("explain_worker", "no-such-worker", stdout=StringIO())
