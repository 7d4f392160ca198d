import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from backend.occupations.loader import load_taxonomy
from backend.occupations.models import CertificateType, Occupation, OccupationRelation, Skill

pytestmark = pytest.mark.django_db


def _table_counts() -> tuple[int, int, int, int]:
    return (
        Occupation.objects.count(),
        Skill.objects.count(),
        CertificateType.objects.count(),
        Skill.occupations.through.objects.count(),
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_counts_and_second_run_changes_nothing():
    before = _table_counts()  # the session fixture has loaded the taxonomy once already
    started = time.perf_counter()
    counts = load_taxonomy()
    elapsed = time.perf_counter() - started

    assert counts["occupations"] >= 60
    assert counts["skills"] >= 400
    assert counts["certificate_types"] >= 40
    assert counts["synonyms"] >= 1000
    assert counts["created"] == counts["updated"] == 0
    assert _table_counts() == before
    assert before[:3] == (counts["occupations"], counts["skills"], counts["certificate_types"])
    assert elapsed < 2


def test_search_terms_hold_name_aliases_and_pinyin():
    terms = Occupation.objects.get(name="家政服务员").search_terms.split("|")
    assert terms[0] == "家政服务员"
    assert {"保姆", "家政", "jiazhengfuwuyuan", "jzfwy", "baomu", "bm", "jiazheng", "jz"} <= set(terms)
    assert "co2焊" in Skill.objects.get(name="二氧化碳气体保护焊").search_terms.split("|")


def test_links_and_certificate_fields():
    assert set(Skill.objects.get(name="刀工").occupations.values_list("name", flat=True)) >= {
        "中式烹调师",
        "厨房帮工",
    }
    assert Skill.objects.get(slug="smaw").occupations.get().name == "焊工"
    low_voltage = CertificateType.objects.get(slug="op-low-voltage")
    assert low_voltage.kind == CertificateType.Kind.SPECIAL_OPERATION
    assert low_voltage.occupation.name == "电工"
    assert not low_voltage.has_levels
    assert "电工证" in low_voltage.aliases
    cook = CertificateType.objects.get(name="职业技能等级证书(中式烹调师)")
    assert cook.has_levels
    assert cook.kind == CertificateType.Kind.SKILL_LEVEL
    assert CertificateType.objects.get(name="健康证").kind == CertificateType.Kind.HEALTH
    assert Skill.objects.get(name="炒锅烹饪").category == "餐饮"  # inherited from its occupation


SMALL = """
occupations:
  - slug: test-basket-maker
    name: 测试篮子匠
    brand: rural_craftsman
    category: 测试
    aliases: [编篮子]
    skills:
      - {slug: test-basket-weaving, name: 测试编篮, aliases: [编箩筐]}
      - {slug: test-basket-dyeing, name: 测试染篮}
    also_skills: [test-basket-selling]
  - slug: test-basket-seller
    name: 测试篮子商
    skills:
      - {slug: test-basket-selling, name: 测试卖篮}
certificate_types:
  - {slug: test-basket-cert, name: 测试编篮证书, kind: special_ability, occupation: test-basket-maker, aliases: [篮子证]}
"""


def test_small_file_upserts_by_slug_and_keeps_removed_entries(tmp_path):
    base = _table_counts()
    counts = load_taxonomy(_write(tmp_path, SMALL))
    assert counts == {
        "occupations": 2,
        "skills": 3,
        "synonyms": 3,
        "certificate_types": 1,
        "occupation_relations": 0,
        "created": 6,
        "updated": 0,
    }
    maker = Occupation.objects.get(slug="test-basket-maker")
    assert maker.brand == "rural_craftsman"
    assert set(maker.skills.values_list("slug", flat=True)) == {
        "test-basket-weaving",
        "test-basket-dyeing",
        "test-basket-selling",
    }
    assert CertificateType.objects.get(slug="test-basket-cert").occupation == maker
    assert load_taxonomy(_write(tmp_path, SMALL))["created"] == 0

    # Change an alias, drop a skill and the also_skills link: rows are updated, nothing is deleted.
    changed = (
        SMALL.replace("[编篮子]", "[编篮子, 篾匠]")
        .replace("      - {slug: test-basket-dyeing, name: 测试染篮}\n", "")
        .replace("    also_skills: [test-basket-selling]\n", "")
    )
    counts = load_taxonomy(_write(tmp_path, changed))
    assert (counts["created"], counts["updated"]) == (0, 1)
    maker.refresh_from_db()
    assert maker.aliases == ["编篮子", "篾匠"]
    assert "mj" in maker.search_terms.split("|")
    assert Skill.objects.filter(slug="test-basket-dyeing").exists()
    # Links between entries of the file follow the file; a skill no longer listed keeps its links.
    assert set(maker.skills.values_list("slug", flat=True)) == {"test-basket-weaving", "test-basket-dyeing"}
    assert _table_counts()[:3] == (base[0] + 2, base[1] + 3, base[2] + 1)


def test_names_can_be_swapped_between_rows(tmp_path):
    load_taxonomy(_write(tmp_path, SMALL))
    swapped = SMALL.replace("name: 测试编篮", "name: 临时").replace("name: 测试染篮", "name: 测试编篮")
    swapped = swapped.replace("name: 临时", "name: 测试染篮")
    load_taxonomy(_write(tmp_path, swapped))
    assert Skill.objects.get(slug="test-basket-weaving").name == "测试染篮"
    assert Skill.objects.get(slug="test-basket-dyeing").name == "测试编篮"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            SMALL
            + "skills:\n  - {slug: test-orphan, name: 测试孤儿技能, occupations: [no-such-occupation]}\n",
            "unknown occupation slug 'no-such-occupation'",
        ),
        (SMALL.replace("[test-basket-selling]", "[no-such-skill]"), "unknown skill slug 'no-such-skill'"),
        (
            SMALL.replace("slug: test-basket-dyeing", "slug: test-basket-weaving"),
            "duplicate skill slug 'test-basket-weaving'",
        ),
        (SMALL.replace("name: 测试染篮", "name: 测试编篮"), "duplicate skill name '测试编篮'"),
        (
            SMALL.replace("name: 测试染篮}", "name: 测试染篮, aliases: [编箩筐]}"),
            "skill alias '编箩筐' is used by two different entries",
        ),
        (
            SMALL.replace("name: 测试染篮}", "name: 测试染篮, aliases: [测试编篮]}"),
            "skill alias '测试编篮' is the name of another skill",
        ),
        (SMALL.replace("brand: rural_craftsman", "brand: nope"), "brand 'nope' is not one of"),
        (
            SMALL.replace("occupation: test-basket-maker", "occupation: nope"),
            "test-basket-cert: references unknown",
        ),
        (SMALL.replace("kind: special_ability", "kind: diploma"), "kind 'diploma' is not one of"),
        (
            SMALL.replace("slug: test-basket-maker\n", "slug: Test Basket\n"),
            "slug 'Test Basket' must be lowercase",
        ),
        (SMALL.replace("    aliases: [编篮子]\n", "    alias: [编篮子]\n"), "unknown key(s) ['alias']"),
        ("occupations: [}", "not valid YAML"),
        ("certificate_types: []\n", "must be a mapping with an 'occupations' list"),
    ],
)
def test_invalid_files_raise_naming_the_entry_and_write_nothing(tmp_path, text, message):
    before = _table_counts()
    with pytest.raises(ValueError, match="invalid taxonomy") as excinfo:
        load_taxonomy(_write(tmp_path, text))
    assert message in str(excinfo.value)
    assert _table_counts() == before


def test_name_held_by_a_row_the_file_no_longer_lists(tmp_path):
    text = SMALL.replace("slug: test-basket-dyeing, name: 测试染篮", "slug: test-basket-dyeing, name: 刀工")
    with pytest.raises(ValueError, match=r"name '刀工' is already used by .* 'knife-work'"):
        load_taxonomy(_write(tmp_path, text))
    assert not Occupation.objects.filter(slug="test-basket-maker").exists()


def test_management_command(tmp_path):
    out = StringIO()
    call_command("load_taxonomy", stdout=out)
    assert "occupations" in out.getvalue()
    assert "0 rows created, 0 updated" in out.getvalue()
    call_command("load_taxonomy", "--path", str(_write(tmp_path, SMALL)), stdout=out)
    assert Occupation.objects.filter(slug="test-basket-maker").exists()
    with pytest.raises(CommandError, match="duplicate skill name"):
        call_command("load_taxonomy", "--path", str(_write(tmp_path, SMALL.replace("测试染篮", "测试编篮"))))


def test_occupation_relations_are_loaded_exactly_as_the_file_says(tmp_path):
    related = SMALL + "occupation_relations:\n  - [test-basket-maker, test-basket-seller, next_step]\n"
    assert load_taxonomy(_write(tmp_path, related))["occupation_relations"] == 1
    relation = OccupationRelation.objects.get(source__slug="test-basket-maker")
    assert (relation.target.slug, relation.kind) == ("test-basket-seller", "next_step")
    load_taxonomy(_write(tmp_path, SMALL))  # the file no longer relates them
    assert not OccupationRelation.objects.filter(source__slug="test-basket-maker").exists()


def test_shipped_relations_join_what_a_counsellor_joins():
    pairs = {
        (r.source.slug, r.target.slug) for r in OccupationRelation.objects.select_related("source", "target")
    }
    assert ("kitchen-helper", "chinese-cook") in pairs
    assert ("infant-carer", "childcare-worker") in pairs


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[test-basket-maker, test-basket-maker, neighbour]", "itself"),
        ("[test-basket-maker, no-such-occupation, neighbour]", "unknown occupation slug"),
        ("[test-basket-maker, test-basket-seller, cousin]", "is not one of"),
        ("test-basket-maker", "expected \\[from occupation slug"),
    ],
)
def test_bad_relations_are_refused_with_where_and_why(tmp_path, line, message):
    text = SMALL + f"occupation_relations:\n  - {line}\n"
    with pytest.raises(ValueError, match=message):
        load_taxonomy(_write(tmp_path, text))


def test_a_pair_related_twice_is_refused(tmp_path):
    text = SMALL + (
        "occupation_relations:\n  - [test-basket-maker, test-basket-seller, neighbour]\n"
        "  - [test-basket-seller, test-basket-maker, next_step]\n"
    )
    with pytest.raises(ValueError, match="related twice"):
        load_taxonomy(_write(tmp_path, text))
