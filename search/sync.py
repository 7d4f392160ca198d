"""Index sync: services call `enqueue_refresh` and the index follows after the transaction commits.

Nothing is written to the index inside a transaction that may roll back: the refresh is an outbox
row of the writing transaction, relayed after commit (backend/outbox), so a broker that is down
delays it and never fails the write. A periodic sweep (`search.sweep`) repairs anything else
missed (a lost task, a crashed worker).
"""

from __future__ import annotations

from collections.abc import Iterable

from backend.outbox.services import outbox_enqueue

from .query import Kind


def enqueue_refresh(kind: Kind, ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if not ids:
        return
    outbox_enqueue(task="search.refresh_index", args=[str(kind), ids])
