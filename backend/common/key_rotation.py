"""Re-encrypt every encrypted column under the newest field key (`manage.py rotate_field_key`).

Rows go in primary-key order, one transaction per batch, the batch's rows locked (select_for_update
on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so an edit made meanwhile is never
overwritten with an older value. An interrupted run loses at most its open batch; run it again and
the rows already under the newest key are recognised by a decrypt with that key alone, never written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connections, router, transaction

from . import crypto

log = logging.getLogger(__name__)

# Every column holding crypto.encrypt() output, as (model label, field name).
ENCRYPTED_COLUMNS: tuple[tuple[str, str], ...] = (("workers.WorkerProfile", "id_number_encrypted"),)
MAX_FAILED_PKS = 100


@dataclass
class RotationCounts:
    column: str
    scanned: int = 0
    reencrypted: int = 0
    skipped: int = 0  # already under the newest key
    failed: int = 0  # no configured key opens them (their pks are logged)
    seconds: float = 0.0
    failed_pks: list[object] = field(default_factory=list)  # the first MAX_FAILED_PKS

    @property
    def rows_per_second(self) -> float:
        return self.scanned / self.seconds if self.seconds else 0.0


def field_key_rotate(
    *,
    batch_size: int = 500,
    dry_run: bool = False,
    columns: tuple[tuple[str, str], ...] = ENCRYPTED_COLUMNS,
    on_batch: Callable[[RotationCounts], None] | None = None,
) -> list[RotationCounts]:
    """Re-encrypt (or with `dry_run`, only count) every value not yet under the newest key."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    crypto.encryption_secrets()  # no key configured: refuse before reading a row
    return [
        _rotate_column(label, name, batch_size=batch_size, dry_run=dry_run, on_batch=on_batch)
        for label, name in columns
    ]


def _rotate_column(
    label: str,
    name: str,
    *,
    batch_size: int,
    dry_run: bool,
    on_batch: Callable[[RotationCounts], None] | None,
) -> RotationCounts:
    model = apps.get_model(label)
    db = router.db_for_write(model)
    quote = connections[db].ops.quote_name
    # One UPDATE per row, sent together: two to three times faster here than bulk_update's CASE over the batch.
    update = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote(model._meta.get_field(name).column)} = %s "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    counts = RotationCounts(column=f"{label}.{name}")
    started = time.perf_counter()
    last_pk: object = None
    while True:
        with transaction.atomic(using=db):
            rows = model._default_manager.using(db).exclude(**{name: ""}).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            if not dry_run:
                rows = rows.select_for_update()
            batch = list(rows.values_list("pk", name)[:batch_size])
            if not batch:
                break
            changed = []
            for pk, token in batch:
                new = _rotated(token, counts, pk)
                if new is not None:
                    changed.append((new, pk))
            if changed and not dry_run:
                with connections[db].cursor() as cursor:
                    cursor.executemany(update, changed)
        counts.scanned += len(batch)
        last_pk = batch[-1][0]
        counts.seconds = time.perf_counter() - started
        if on_batch is not None:
            on_batch(counts)
    counts.seconds = time.perf_counter() - started
    log.info(
        "field key rotation%s of %s: %d scanned, %d re-encrypted, %d skipped, %d failed, %.0f rows/s",
        " (dry run)" if dry_run else "",
        counts.column,
        counts.scanned,
        counts.reencrypted,
        counts.skipped,
        counts.failed,
        counts.rows_per_second,
    )
    return counts


def _rotated(token: str, counts: RotationCounts, pk: object) -> str | None:
    """The token under the newest key, or None when it needs no write (or cannot be opened)."""
    if crypto.is_under_newest_key(token):
        counts.skipped += 1
        return None
    try:
        new = crypto.rotate(token)
    except crypto.InvalidToken:
        counts.failed += 1
        if len(counts.failed_pks) < MAX_FAILED_PKS:
            counts.failed_pks.append(pk)
        log.warning(
            "field key rotation: %s pk=%s opens under no configured key; left as it is", counts.column, pk
        )
        return None
    counts.reencrypted += 1
    return new
