from backend.text.pinyin import full_pinyin, initials, search_terms


def test_full_pinyin_and_initials():
    assert full_pinyin("家政服务员") == "jiazhengfuwuyuan"
    assert initials("家政服务员") == "jzfwy"
    assert full_pinyin("中式烹调师") == "zhongshipengtiaoshi"  # phrase-aware: 烹调 is peng tiao
    assert full_pinyin("绿化") == "lvhua"
    assert full_pinyin("") == initials("") == ""


def test_latin_and_punctuation():
    assert full_pinyin("C1驾照") == "c1jiazhao"
    assert initials("C1驾照") == "c1jz"
    assert initials("SYB创业培训") == "sybcypx"
    assert full_pinyin("职业技能等级证书(电工)") == "zhiyejinengdengjizhengshudiangong"


def test_search_terms_lowercase_unique_and_ordered():
    terms = search_terms("家政服务员", ["保姆", "家政", "SYB", "保姆"])
    parts = terms.split("|")
    assert parts[:4] == ["家政服务员", "保姆", "家政", "syb"]
    assert {"jiazhengfuwuyuan", "baomu", "jiazheng", "jzfwy", "bm", "jz"} <= set(parts)
    assert len(parts) == len(set(parts))
    assert terms == terms.lower()
    assert search_terms("  ") == ""
