"""Tests that need a real service skip on a laptop without it, and fail in CI.

`.ci/run` sets SKILLBRIDGE_REQUIRE_SERVICES=1 so that a missing service is a failure there,
never a silent skip.
"""

from __future__ import annotations

import os

import pytest


def services_required() -> bool:
    return os.environ.get("SKILLBRIDGE_REQUIRE_SERVICES", "") == "1"


def need(available: bool, what: str, *, installable_here: bool = True) -> None:
    """Skip (laptop) or fail (CI) when `what` is not available.

    `installable_here=False` is for a service no package registry offers on these machines
    (Elasticsearch): its tests skip with their reason in CI too, and run wherever one is reachable.
    """
    if available:
        return
    message = f"needs {what}"
    if services_required() and installable_here:
        pytest.fail(f"{message} (SKILLBRIDGE_REQUIRE_SERVICES=1)")
    pytest.skip(message)
