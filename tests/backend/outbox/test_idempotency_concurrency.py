"""Two requests racing with one Idempotency-Key (a client that retried before its first answer
came) on PostgreSQL: the unique constraint makes the second wait for the first to commit, and it
answers with the first's response; one posting, never two."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.jobs.models import Posting
from tests import factories as f
from tests.services import need

from .test_services import posting_body

ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_with_the_same_key_is_serialised_by_the_unique_constraint():
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")
    admin = f.UserFactory(role=User.Role.ADMIN)
    admin.save()
    employer = f.EmployerFactory()

    for round_ in range(ROUNDS):
        start = threading.Barrier(2)
        answers: list[tuple[int, dict, bool]] = []

        def create(
            start: threading.Barrier = start, answers: list = answers, key: str = f"race-{round_}"
        ) -> None:
            client = APIClient()
            client.force_authenticate(admin)
            try:
                start.wait(timeout=10)
                response = client.post(
                    "/api/v1/postings/",
                    posting_body(employer),
                    format="json",
                    headers={"Idempotency-Key": key},
                )
                answers.append(
                    (response.status_code, response.json(), response.has_header("Idempotent-Replayed"))
                )
            finally:
                connections.close_all()  # this thread's own connection

        threads = [threading.Thread(target=create) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert [status for status, _, _ in answers] == [201, 201], answers
        assert answers[0][1] == answers[1][1]
        assert sorted(replayed for _, _, replayed in answers) == [False, True]
        assert Posting.objects.filter(employer=employer).count() == round_ + 1
