"""Hand work to Celery after a commit, without ever reporting a committed write as failed.

A broker that is down or unreachable costs a warning, not the request: each kind of work has a
periodic sweep that finds what a lost task should have done (`search.sweep`, `matching.sweep`,
`imports.sweep`). The outbox (work recorded in the writing transaction, relayed after commit)
is meant to replace this best-effort send; until then the sweeps are the guarantee.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

# What `.delay()` raises when the broker cannot be reached: Celery wraps the transport's connection
# errors and timeouts (redis ConnectionError/TimeoutError, socket errors, amqp errors) in it.
BROKER_ERRORS: tuple[type[BaseException], ...] = (OperationalError,)


def dispatch(task: Any, *args: Any) -> bool:
    """Send the task now; False (and a warning) when the broker is unreachable."""
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        # Task name and error only: arguments may be long id lists, never logged personal data.
        log.warning("broker unreachable, %s not sent; its sweep will catch up (%s)", task.name, exc)
        return False
    return True


def dispatch_on_commit(task: Any, *args: Any) -> None:
    """Send the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: dispatch(task, *args))
