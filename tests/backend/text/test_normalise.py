"""backend.text.normalise: one canonical form for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.text.normalise import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),
        ("廣東廚師", "广东厨师"),
        ("衞生 綫路", "卫生 线路"),  # Hong Kong variants, not only Taiwan/standard traditional
        ("PLC编程\u3000 \t\n  SYB", "plc编程 syb"),
        ("a\x00b\x1bc\u200bd\ufeff", "abcd"),
        ("lone \ud800 surrogate", "lone surrogate"),
        ("  ", ""),
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once
