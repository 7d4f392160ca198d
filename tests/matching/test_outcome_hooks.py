"""Outcomes reach suggestions at once: the jobs and training services signal every application or
enrolment created or moved on, and matching records the outcome in the same transaction
(`outcomes_for_application` / `outcomes_for_enrolment`). The sweep (`outcomes_sync`) stays as the
safety net and, after the hooks, finds nothing left to record."""

from __future__ import annotations

import pytest
from django.db import transaction

from backend.jobs.models import Application
from backend.jobs.services import application_create, application_update
from matching.models import Suggestion, SuggestionEvent
from matching.services import outcomes, review
from tests import factories as f
from training.models import Enrolment
from training.services import enrolment_apply, enrolment_set_status

from .world import World, build_world, make_suggestion

pytestmark = pytest.mark.django_db


def _events(suggestion: Suggestion) -> list[tuple[str, str, int | None]]:
    return list(
        SuggestionEvent.objects.filter(suggestion=suggestion)
        .order_by("at", "id")
        .values_list("action", "outcome", "actor_id")
    )


def _approved(world: World, item_key: str, kind: str = "job") -> Suggestion:
    item = world.postings[item_key] if kind == "job" else world.sessions[item_key]
    suggestion = make_suggestion(world.workers["worker_a"], item)
    return review.suggestion_review(actor=world.user("staff_x"), suggestion=suggestion, decision="approve")


def _employer_of(posting) -> object:
    return f.UserFactory(role="employer_staff", employer=posting.employer)


def test_an_employer_hiring_a_referred_worker_records_hired_at_once_with_the_employer():
    world = build_world()
    staff = world.user("staff_x")
    job = _approved(world, "cook_x")
    assert (job.status, job.outcome) == ("approved", "referred")
    assert job.application.source == Application.Source.STAFF_REFERRAL
    # Approving records one "approved" event carrying the outcome, not an extra "outcome" event.
    assert _events(job) == [("approved", "referred", staff.pk)]

    employer = _employer_of(world.postings["cook_x"])
    application_update(actor=employer, application=job.application, data={"status": "hired"})
    job.refresh_from_db()
    assert job.outcome == "hired"
    assert job.outcome_at is not None
    event = SuggestionEvent.objects.get(suggestion=job, action="outcome")
    assert (event.actor, event.outcome, event.note) == (employer, "hired", "referred→hired")
    assert (event.from_status, event.to_status) == ("approved", "approved")
    assert event.model_version_id == job.model_version_id

    # The sweep afterwards finds nothing to do and writes no second event.
    assert outcomes.outcomes_sync() == 0
    assert _events(job) == [("approved", "referred", staff.pk), ("outcome", "hired", employer.pk)]


def test_every_step_of_an_application_is_recorded_once():
    world = build_world()
    job = _approved(world, "cook_x")
    employer = _employer_of(world.postings["cook_x"])
    for status in ("viewed", "interview", "interview", "rejected"):
        application_update(actor=employer, application=job.application, data={"status": status})
    job.refresh_from_db()
    assert job.outcome == "rejected_by_employer"
    # viewed keeps "referred" (no event); the repeated "interview" is no change.
    assert [e[:2] for e in _events(job)] == [
        ("approved", "referred"),
        ("outcome", "interview"),
        ("outcome", "rejected_by_employer"),
    ]
    # A note alone is no status change: nothing recorded.
    application_update(actor=employer, application=job.application, data={"note": "已电话沟通"})
    assert SuggestionEvent.objects.filter(suggestion=job).count() == 3
    assert outcomes.outcomes_sync() == 0


def test_a_worker_withdrawing_a_referral_records_withdrawn_with_the_worker():
    world = build_world()
    job = _approved(world, "cook_x")
    worker = world.user("worker_a")
    application_update(actor=worker, application=job.application, data={"status": "withdrawn"})
    job.refresh_from_db()
    assert job.outcome == "withdrawn"
    assert SuggestionEvent.objects.get(suggestion=job, action="outcome").actor == worker


def test_an_enrolment_moving_to_completed_and_certified_is_recorded_at_once():
    world = build_world()
    staff, provider = world.user("staff_x"), world.user("provider")
    course = _approved(world, "cantonese", kind="training")
    assert (course.status, course.outcome) == ("approved", "applied")
    assert course.enrolment.source == Enrolment.Source.STAFF
    assert _events(course) == [("approved", "applied", staff.pk)]

    enrolment = course.enrolment
    for status in ("enrolled", "completed"):
        enrolment = enrolment_set_status(actor=provider, enrolment=enrolment, data={"status": status})
        course.refresh_from_db()
        assert course.outcome == status
    enrolment_set_status(actor=provider, enrolment=enrolment, data={"status": "certified"})
    course.refresh_from_db()
    assert course.outcome == "certified"
    assert _events(course) == [
        ("approved", "applied", staff.pk),
        ("outcome", "enrolled", provider.pk),
        ("outcome", "completed", provider.pk),
        ("outcome", "certified", provider.pk),
    ]
    assert outcomes.outcomes_sync() == 0
    assert SuggestionEvent.objects.filter(suggestion=course).count() == 4


def test_dropping_out_records_withdrawn():
    world = build_world()
    course = _approved(world, "welding", kind="training")
    enrolment_set_status(actor=world.user("worker_a"), enrolment=course.enrolment, data={"status": "dropped"})
    course.refresh_from_db()
    assert course.outcome == "withdrawn"
    assert SuggestionEvent.objects.get(suggestion=course, action="outcome").actor == world.user("worker_a")


def test_a_worker_applying_on_their_own_to_a_suggested_posting_records_applied():
    world = build_world()
    worker_a, user = world.workers["worker_a"], world.user("worker_a")
    pending = make_suggestion(worker_a, world.postings["cook_x"])
    # Decided suggestions for the same posting are history: not linked, not touched.
    rejected = make_suggestion(worker_a, world.postings["cook_x"], status="rejected", reason_code="other")
    other_worker = make_suggestion(world.workers["worker_c"], world.postings["cook_x"])

    application = application_create(actor=user, data={"posting": world.postings["cook_x"]})
    assert application.source == Application.Source.SELF
    pending.refresh_from_db()
    assert (pending.application, pending.outcome, pending.status) == (application, "applied", "pending")
    event = SuggestionEvent.objects.get(suggestion=pending)
    assert (event.action, event.outcome, event.actor, event.note) == (
        "outcome",
        "applied",
        user,
        "none→applied",
    )
    for untouched in (rejected, other_worker):
        untouched.refresh_from_db()
        assert (untouched.application, untouched.outcome) == (None, "none")
        assert not SuggestionEvent.objects.filter(suggestion=untouched).exists()

    assert outcomes.outcomes_sync() == 0
    assert SuggestionEvent.objects.filter(suggestion=pending).count() == 1

    # Staff approving it afterwards link the worker's own application; the outcome stays "applied".
    approved = review.suggestion_review(actor=world.user("staff_x"), suggestion=pending, decision="approve")
    assert (approved.application, approved.outcome) == (application, "applied")
    assert Application.objects.filter(worker=worker_a, posting=world.postings["cook_x"]).count() == 1


def test_a_worker_enrolling_on_their_own_in_a_suggested_session_records_applied():
    world = build_world()
    pending = make_suggestion(world.workers["worker_a"], world.sessions["cantonese"])
    enrolment = enrolment_apply(actor=world.user("worker_a"), data={"session": world.sessions["cantonese"]})
    pending.refresh_from_db()
    assert (pending.enrolment, pending.outcome) == (enrolment, "applied")
    enrolment_set_status(actor=world.user("provider"), enrolment=enrolment, data={"status": "enrolled"})
    pending.refresh_from_db()
    assert pending.outcome == "enrolled"
    assert outcomes.outcomes_sync() == 0
    assert [e[:2] for e in _events(pending)] == [("outcome", "applied"), ("outcome", "enrolled")]


def test_staff_referring_directly_link_the_pending_suggestion_as_referred():
    world = build_world()
    staff = world.user("staff_x")
    pending = make_suggestion(world.workers["worker_a"], world.postings["welder_x"])
    application = application_create(
        actor=staff, data={"posting": world.postings["welder_x"], "worker": world.workers["worker_a"]}
    )
    pending.refresh_from_db()
    assert (pending.application, pending.outcome, pending.status) == (application, "referred", "pending")
    assert SuggestionEvent.objects.get(suggestion=pending).actor == staff


def test_the_outcome_is_written_in_the_same_transaction_as_the_status():
    world = build_world()
    job = _approved(world, "cook_x")
    employer = _employer_of(world.postings["cook_x"])

    def hire_then_fail() -> None:
        with transaction.atomic():
            application_update(actor=employer, application=job.application, data={"status": "hired"})
            job.refresh_from_db()
            assert job.outcome == "hired"  # recorded inside the transaction ...
            raise RuntimeError("the caller's transaction fails later")

    with pytest.raises(RuntimeError):
        hire_then_fail()
    # ... and rolled back with it.
    job.refresh_from_db()
    job.application.refresh_from_db()
    assert (job.application.status, job.outcome) == ("submitted", "referred")
    assert not SuggestionEvent.objects.filter(suggestion=job, action="outcome").exists()


def test_the_sweep_still_catches_changes_made_around_the_services():
    world = build_world()
    job = _approved(world, "cook_x")
    Application.objects.filter(pk=job.application_id).update(status="interview")  # e.g. the Django admin
    assert outcomes.outcomes_sync() == 1
    job.refresh_from_db()
    assert job.outcome == "interview"
    event = SuggestionEvent.objects.get(suggestion=job, action="outcome")
    assert event.actor is None
    assert outcomes.outcomes_sync() == 0
