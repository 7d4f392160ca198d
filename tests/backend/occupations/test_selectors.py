import pytest

from backend.occupations.selectors import (
    certificate_type_search,
    occupation_search,
    skill_search,
    synonym_groups,
)

pytestmark = pytest.mark.django_db


def _names(qs) -> list[str]:
    return [obj.name for obj in qs]


@pytest.mark.parametrize(
    ("q", "occupation", "skill"),
    [
        ("月嫂", "母婴护理员", "母婴护理"),
        ("电焊", "焊工", "焊条电弧焊"),
        ("保姆", "家政服务员", None),
        ("护工", "医疗护理员", None),
        ("陪护", "医疗护理员", None),
        ("养老护工", "养老护理员", None),
        ("厨师", "中式烹调师", None),
        ("点心师", "中式面点师", None),
        ("普工", "生产操作工", None),
        ("叉车", "叉车司机", "叉车驾驶"),
        ("快递小哥", "快递员", None),
        ("外卖骑手", "外卖配送员", None),
        ("水电工", "水电安装工", None),
        ("瓦工", "泥瓦工", None),
        ("装修", "装饰装修工", None),
        ("带货", "互联网营销师", "直播销售"),
        ("主播", "互联网营销师", None),
        ("开网店", None, "网店运营"),
        ("创业培训", "SYB创业培训", None),
        ("SYB", "SYB创业培训", None),
        ("syb", "SYB创业培训", None),
        ("电工证", "电工", None),
    ],
)
def test_synonyms_users_type(q, occupation, skill):
    if occupation:
        assert _names(occupation_search(q=q))[0] == occupation
    if skill:
        assert _names(skill_search(q=q))[0] == skill


def test_pinyin_and_initials():
    assert _names(occupation_search(q="jiazheng"))[0] == "家政服务员"
    assert _names(occupation_search(q="jz"))[0] == "家政服务员"
    assert "家政服务员" in _names(occupation_search(q="JiaZheng Fuwuyuan"))
    assert _names(occupation_search(q="dg"))[0] == "电工"
    assert _names(occupation_search(q="hangong"))[0] == "焊工"
    assert _names(occupation_search(q="ys"))[0] == "母婴护理员"  # initials of the alias 月嫂
    # 电焊 and 点焊 are both "dianhan": whole-term matches come first, shorter names before longer.
    assert set(_names(skill_search(q="dianhan"))[:2]) == {"电阻点焊", "焊条电弧焊"}
    assert "家居清洁" in _names(skill_search(q="jjqj"))


def test_exact_name_then_prefix_then_substring():
    names = _names(occupation_search(q="电工"))
    assert names[0] == "电工"
    assert "水电安装工" in names  # via its alias 装修电工
    skills = _names(skill_search(q="焊"))
    assert skills.index("焊条电弧焊") < skills.index("不锈钢焊接")  # prefix of the name before substring


def test_empty_query_and_limit():
    assert not skill_search(q="").exists()
    assert not occupation_search(q="  ").exists()
    assert not certificate_type_search(q="|").exists()
    assert len(skill_search(q="a", limit=5)) == 5
    assert not skill_search(q="焊", limit=0).exists()
    assert not occupation_search(q="没有这个职业xyz").exists()


@pytest.mark.parametrize(
    ("q", "certificate"),
    [
        ("电工证", "特种作业操作证(低压电工作业)"),
        ("焊工证", "特种作业操作证(熔化焊接与热切割作业)"),
        ("高空作业证", "特种作业操作证(高处安装、维护、拆除作业)"),
        ("叉车证", "特种设备作业人员证(叉车司机N1)"),
        ("健康证", "健康证"),
        ("c1", "机动车驾驶证(C1)"),
        ("厨师证", "职业技能等级证书(中式烹调师)"),
        ("月嫂证", "职业技能等级证书(母婴护理员)"),
        ("小儿推拿", "专项职业能力证书(小儿推拿)"),
        ("马兰花", "创业培训合格证"),
    ],
)
def test_certificate_type_search(q, certificate):
    assert _names(certificate_type_search(q=q))[0] == certificate


def test_synonym_groups():
    groups = synonym_groups()
    by_name = {g[0]: g for g in groups}
    assert by_name["母婴护理员"][:2] == ["母婴护理员", "月嫂"]
    assert "保姆" in by_name["家政服务员"]
    assert "电焊" in by_name["焊条电弧焊"]
    assert "电工证" in by_name["特种作业操作证(低压电工作业)"]
    assert all(len(g) >= 2 for g in groups)
