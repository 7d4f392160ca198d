"""What a broker outage looks like to a sender.

Tasks are no longer sent straight from a request: they are recorded in the outbox inside the
writing transaction and relayed after commit (backend/outbox). The periodic sweeps (`search.sweep`,
`matching.sweep`, `imports.sweep`) stay as the second line of defence.
"""

from __future__ import annotations

from kombu.exceptions import OperationalError

# What `.delay()` raises when the broker cannot be reached: Celery wraps the transport's connection
# errors and timeouts (redis ConnectionError/TimeoutError, socket errors, amqp errors) in it.
BROKER_ERRORS: tuple[type[BaseException], ...] = (OperationalError,)
