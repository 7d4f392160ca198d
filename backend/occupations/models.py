from __future__ import annotations

from django.db import models

from backend.common.models import TimeStampedModel


class Brand(models.TextChoices):
    """The provincial training brands named by the policy."""

    YUECAI = "yuecai", "粤菜师傅"
    GD_TECHNICIAN = "gd_technician", "广东技工"
    NANYUE_HOMECARE = "nanyue_homecare", "南粤家政"
    MALANHUA = "malanhua", "马兰花创业培训"
    RURAL_CRAFTSMAN = "rural_craftsman", "乡村工匠"
    AGRICULTURE = "agriculture", "农业职业技能"
    GENERAL = "general", "其他职业技能"


class CertificateLevel(models.IntegerChoices):
    """职业技能等级: 五级 is the entry level, 一级 the highest."""

    LEVEL_5 = 5, "五级/初级工"
    LEVEL_4 = 4, "四级/中级工"
    LEVEL_3 = 3, "三级/高级工"
    LEVEL_2 = 2, "二级/技师"
    LEVEL_1 = 1, "一级/高级技师"


class Occupation(TimeStampedModel):
    """An occupation in the curated taxonomy (national classification code where verified)."""

    slug = models.SlugField("标识", max_length=64, unique=True)
    name = models.CharField("职业名称", max_length=64, unique=True)
    national_code = models.CharField("国家职业分类代码", max_length=32, blank=True)
    brand = models.CharField("培训品牌", max_length=32, choices=Brand.choices, default=Brand.GENERAL)
    category = models.CharField("类别", max_length=64, blank=True)
    aliases = models.JSONField("同义词", default=list, blank=True)
    description = models.TextField("说明", blank=True)
    search_terms = models.TextField(editable=False, blank=True)  # name|aliases|pinyin, lowercase

    class Meta:
        ordering = ["name"]
        verbose_name = "职业"
        verbose_name_plural = "职业"

    def __str__(self) -> str:
        return self.name


class Skill(TimeStampedModel):
    """A skill, with the synonyms people actually type (电焊 for 焊接, 月嫂 for 母婴护理)."""

    slug = models.SlugField("标识", max_length=64, unique=True)
    name = models.CharField("技能名称", max_length=64, unique=True)
    aliases = models.JSONField("同义词", default=list, blank=True)
    occupations = models.ManyToManyField(Occupation, related_name="skills", blank=True)
    category = models.CharField("类别", max_length=64, blank=True)
    # A plain gloss of a trade term, for explanations a reader with primary-school literacy
    # understands: 巴枪PDA操作 -> 用扫码枪登记快件.
    plain = models.CharField("通俗说法", max_length=64, blank=True)
    search_terms = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "技能"
        verbose_name_plural = "技能"

    def __str__(self) -> str:
        return self.name


class CertificateType(TimeStampedModel):
    """A kind of certificate. Skill-level certificates carry a level (五级..一级); others do not."""

    class Kind(models.TextChoices):
        SKILL_LEVEL = "skill_level", "职业技能等级证书"
        SPECIAL_ABILITY = "special_ability", "专项职业能力证书"
        SPECIAL_OPERATION = "special_operation", "特种作业操作证"
        HEALTH = "health", "健康证"
        DRIVING = "driving", "驾驶证"
        TRAINING = "training", "培训合格证书"

    slug = models.SlugField("标识", max_length=64, unique=True)
    name = models.CharField("证书名称", max_length=96, unique=True)
    kind = models.CharField("类型", max_length=32, choices=Kind.choices)
    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificate_types"
    )
    has_levels = models.BooleanField("分等级", default=False)
    aliases = models.JSONField("同义词", default=list, blank=True)
    search_terms = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "证书类型"
        verbose_name_plural = "证书类型"

    def __str__(self) -> str:
        return self.name


class OccupationRelation(models.Model):
    """Two occupations a counsellor would offer in place of one another: the usual next step of a
    trade (厨房帮工 → 中式烹调师) or a neighbouring one (育婴员 ↔ 保育师). Matching reads both ways.
    For jobs, occupations of one family (category) or sharing skills are related without a row
    here; a course is offered for a related trade only through a row here."""

    class Kind(models.TextChoices):
        NEXT_STEP = "next_step", "常见的下一步"
        NEIGHBOUR = "neighbour", "相近工种"

    source = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField("关系", max_length=16, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="occupation_relation_once")]
        verbose_name = "相关职业"
        verbose_name_plural = "相关职业"

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_kind_display()})"
