from __future__ import annotations

import pytest

from matching import engine


@pytest.fixture(autouse=True)
def _fresh_engine(settings, tmp_path):
    """Each test builds its own catalogue (in a temporary directory) and checks versions every call."""
    settings.MATCHING_ARTEFACT_DIR = tmp_path / "matching"
    settings.MATCHING_VERSION_CHECK_SECONDS = 0
    settings.MATCHING_REBUILD_SECONDS = 0
    engine.reset()
    yield
    engine.reset()
