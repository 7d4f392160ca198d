"""backend.text.selectors: the domain words and synonym groups, read from the tables."""

from __future__ import annotations

import pytest

from backend.text.selectors import build_synonym_groups, build_user_dictionary


@pytest.mark.django_db
def test_user_dictionary_from_the_tables():
    words = build_user_dictionary()
    assert {"母婴护理员", "中式烹调师", "叉车证", "英德市", "英德", "连南", "快递小哥"} <= set(words)
    assert words == sorted(set(words))
    assert not [w for w in words if not w.isalpha() or w.isascii()]  # Chinese runs only


@pytest.mark.django_db
def test_synonym_groups_from_the_tables():
    groups = build_synonym_groups()
    assert groups
    assert all(len(group) >= 2 for group in groups)  # a name and at least one alias
    assert any("月嫂" in group for group in groups)
