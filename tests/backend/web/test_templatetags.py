from __future__ import annotations

import pytest

from backend.web.templatetags.web import highlight, km, wage


@pytest.mark.parametrize(
    ("snippet", "html"),
    [
        ("电<mark>焊</mark>工", "电<mark>焊</mark>工"),
        ("a &lt;b&gt; <mark>c</mark>", "a &lt;b&gt; <mark>c</mark>"),
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("<mark>open", "<mark>open</mark>"),
        ("</mark>stray", "stray"),
        ("<mark onclick=x>y</mark>", "&lt;mark onclick=x&gt;y"),
        ("", ""),
        (None, ""),
    ],
)
def test_highlight_keeps_only_balanced_marks(snippet, html):
    assert highlight(snippet) == html


def test_wage_formats():
    assert wage({"wage_type": "monthly", "wage_min": 4000, "wage_max": 6000}) == "4000–6000 元/月"
    assert wage({"wage_type": "piece", "rate": "0.50", "rate_unit": "件"}) == "0.5 元/件"
    assert wage({"wage_type": "daily", "rate": "200.00", "rate_unit": ""}) == "200 元/天"
    assert wage({"wage_type": "daily"}) == "面议"


def test_km():
    assert km(None) == ""
    assert km(0.0) == "不到 1 公里"
    assert km(3.14) == "约 3.1 公里"
    assert km(42.6) == "约 43 公里"
