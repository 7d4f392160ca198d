"""Invariants of the curated data file itself (read without the database)."""

from collections import Counter

import pytest

from backend.occupations.loader import read_taxonomy
from backend.occupations.models import Brand, CertificateType


@pytest.fixture(scope="module")
def taxonomy():
    return read_taxonomy()


@pytest.fixture(scope="module")
def occupations(taxonomy):
    return {e.name: e for e in taxonomy.occupations}


def _brand_names(occupations, brand):
    return {name for name, e in occupations.items() if e.values["brand"] == brand}


def test_sizes(taxonomy):
    assert len(taxonomy.occupations) >= 60
    assert len(taxonomy.skills) >= 400
    assert sum(len(e.aliases) for e in taxonomy.occupations) >= 2 * len(taxonomy.occupations)
    assert taxonomy.synonym_count >= 1000
    assert {e.values["brand"] for e in taxonomy.occupations} == set(Brand.values)


def test_every_brand_named_in_the_policy_is_covered(occupations):
    assert {"中式烹调师", "中式面点师"} <= _brand_names(occupations, Brand.YUECAI)
    assert {"电工", "焊工", "数控车工", "汽车维修工", "电子商务师"} <= _brand_names(
        occupations, Brand.GD_TECHNICIAN
    )
    assert {"家政服务员", "育婴员", "母婴护理员", "养老护理员", "医疗护理员"} <= _brand_names(
        occupations, Brand.NANYUE_HOMECARE
    )
    assert {"农业经理人", "农业技术员", "农产品食品检验员", "农作物植保员"} <= _brand_names(
        occupations, Brand.AGRICULTURE
    )
    assert {"木工", "竹编工艺师", "刺绣工艺师"} <= _brand_names(occupations, Brand.RURAL_CRAFTSMAN)
    malanhua = [e for e in occupations.values() if e.values["brand"] == Brand.MALANHUA]
    malanhua_terms = {t for e in malanhua for t in (e.name, *e.aliases)}
    assert {"SYB", "GYB", "IYB", "网络创业培训", "马兰花", "创业者"} <= malanhua_terms


def test_each_occupation_has_at_least_four_skills(taxonomy):
    per_occupation = Counter(occupation for _, occupation in taxonomy.links)
    assert {e.slug: per_occupation[e.slug] for e in taxonomy.occupations if per_occupation[e.slug] < 4} == {}
    assert {e.slug for e in taxonomy.skills} == {skill for skill, _ in taxonomy.links}  # no orphan skill


@pytest.mark.parametrize("table", ["occupations", "skills", "certificate_types"])
def test_names_unique_and_no_alias_is_another_entrys_name(taxonomy, table):
    entries = getattr(taxonomy, table)
    names = Counter(e.name for e in entries)
    assert [n for n, c in names.items() if c > 1] == []
    owner = {e.name: e.slug for e in entries}
    for entry in entries:
        for alias in entry.aliases:
            assert owner.get(alias, entry.slug) == entry.slug, (table, entry.name, alias)
    aliases = Counter(a for e in entries for a in e.aliases)
    assert [a for a, c in aliases.items() if c > 1] == []


def test_certificates(taxonomy):
    kinds = Counter(e.values["kind"] for e in taxonomy.certificate_types)
    assert set(kinds) == set(CertificateType.Kind.values)
    assert kinds[CertificateType.Kind.SKILL_LEVEL] >= 20
    for entry in taxonomy.certificate_types:
        assert entry.values["has_levels"] == (entry.values["kind"] == CertificateType.Kind.SKILL_LEVEL), (
            entry.name
        )
    leveled = {
        taxonomy.certificate_occupations.get(e.slug)
        for e in taxonomy.certificate_types
        if e.values["has_levels"]
    }
    assert {
        "chinese-cook",
        "electrician",
        "welder",
        "housekeeper",
        "maternity-nurse",
        "elderly-caregiver",
    } <= leveled
    aliases = {a for e in taxonomy.certificate_types for a in e.aliases}
    assert {"电工证", "焊工证", "高空作业证", "叉车证", "健康证明", "C1驾照", "创业培训证"} <= aliases


def test_national_codes_are_left_empty_unless_verified(taxonomy):
    # No code in the file has been verified against the 2022 大典; the product must not depend on them.
    assert all(not e.values["national_code"] for e in taxonomy.occupations)
