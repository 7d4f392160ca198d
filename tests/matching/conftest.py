from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_engine(fresh_matching_engine):  # see tests/conftest.py
    return
