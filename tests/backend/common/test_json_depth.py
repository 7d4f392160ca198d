"""The nesting scan agrees with the decoder's own depth on any JSON value, brackets inside
strings included, without recursing itself."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from backend.common.json_depth import json_nesting_exceeds

tricky_text = st.one_of(st.text(max_size=12), st.sampled_from(["[", '{"', '\\"[', "\\\\", '"]}', "\\u005b"]))
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), tricky_text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=30,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(value=values)
def test_the_scan_finds_the_decoders_depth(value):
    text = json.dumps(value, ensure_ascii=False)
    depth = _depth(value)

    assert not json_nesting_exceeds(text, limit=depth)
    assert depth == 0 or json_nesting_exceeds(text, limit=depth - 1)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"title": "[" * 5000 + '\\"{' * 5000})

    assert not json_nesting_exceeds(text, limit=1)


def test_nesting_far_beyond_the_recursion_limit_is_found_without_recursing():
    assert json_nesting_exceeds("[" * 1_000_000, limit=400)
    assert not json_nesting_exceeds("[]" * 1_000_000, limit=1)
