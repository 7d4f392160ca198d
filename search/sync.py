"""Index sync: services call `enqueue_refresh` and the index follows after the transaction commits.

Nothing is written to the index inside a transaction that may roll back; a periodic sweep
(`search.sweep`) repairs anything missed (a lost task, a crashed worker, a broker that was down:
the write still succeeds, see backend.common.dispatch).
"""

from __future__ import annotations

from collections.abc import Iterable

from backend.common.dispatch import dispatch_on_commit

from .query import Kind


def enqueue_refresh(kind: Kind, ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if not ids:
        return
    from .tasks import refresh_index

    dispatch_on_commit(refresh_index, str(kind), ids)
