"""backend.text.dictionary: the domain words jieba keeps whole."""

from __future__ import annotations

import pytest

from backend.text.dictionary import division_short_name, division_words


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("英德市", "英德"),
        ("连南瑶族自治县", "连南"),
        ("连山壮族瑶族自治县", "连山"),
        ("广西壮族自治区", "广西"),
        ("黔东南苗族侗族自治州", "黔东南"),
        ("香港特别行政区", "香港"),
        ("矿区", None),
        ("和县", None),
    ],
)
def test_division_short_name(name, short):
    assert division_short_name(name) == short


def test_division_words_skip_ambiguous_short_forms():
    words = division_words(["朝阳区", "朝阳市", "英德市", "吉林省", "吉林市"])
    assert {"朝阳区", "朝阳市", "英德市", "英德", "吉林省", "吉林市"} <= set(words)
    assert "朝阳" not in words
    assert "吉林" not in words
