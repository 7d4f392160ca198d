"""Index sync: services call `enqueue_refresh` and the index follows after the transaction commits.

Nothing is written to the index inside a transaction that may roll back; a periodic sweep
(`search.sweep`) repairs anything missed (a lost task, a crashed worker).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .query import Kind


def enqueue_refresh(kind: Kind, ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if not ids:
        return
    from .tasks import refresh_index

    transaction.on_commit(lambda: refresh_index.delay(str(kind), ids))
