from __future__ import annotations

import pytest

from backend.text.analysis import Analyzer, reset_analyzer

from .helpers import WORDS


@pytest.fixture(scope="package", autouse=True)
def _small_analyzer():
    """The core reads text through backend.text.analysis; here its analyzer is built from a word list,
    not from the database (these tests never touch one)."""
    reset_analyzer(Analyzer(WORDS))
    yield
    reset_analyzer()
