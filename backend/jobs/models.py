from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.common.errors import Message
from backend.common.models import TimeStampedModel
from backend.common.validators import validate_credit_code
from backend.occupations.models import CertificateLevel

# Monthly wages outside this range are data-entry mistakes (Guangdong's lowest minimum wage
# is about 1,700 yuan; county jobs rarely pay above 50,000).
MIN_MONTHLY_WAGE = 1000
MAX_MONTHLY_WAGE = 100000


class Employer(TimeStampedModel):
    """用人单位, identified by its 统一社会信用代码."""

    external_id = models.CharField("外部编号", max_length=64, unique=True)
    name = models.CharField("单位名称", max_length=128)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="所在区县"
    )
    industry = models.CharField("行业", max_length=64)
    is_stable_employment_base = models.BooleanField("稳岗就业基地", default=False)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=255, blank=True)

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"

    def __str__(self) -> str:
        return self.name


class Posting(TimeStampedModel):
    """A county job posting (招聘岗位)."""

    class WageType(models.TextChoices):
        MONTHLY = "monthly", "月薪"
        PIECE = "piece", "计件"
        DAILY = "daily", "日结"

    class Shifts(models.TextChoices):
        DAY = "day", "长白班"
        TWO_SHIFTS = "two_shifts", "两班倒"
        THREE_SHIFTS = "three_shifts", "三班倒"
        FLEXIBLE = "flexible", "弹性"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "招聘中"
        FILLED = "filled", "已招满"
        EXPIRED = "expired", "已过期"

    external_id = models.CharField("外部编号", max_length=64, unique=True)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="postings", verbose_name="用人单位"
    )
    title = models.CharField("岗位名称", max_length=128)
    occupation = models.ForeignKey(
        "occupations.Occupation", on_delete=models.PROTECT, related_name="postings", verbose_name="职业(工种)"
    )
    required_skills = models.ManyToManyField(
        "occupations.Skill", related_name="required_by_postings", blank=True, verbose_name="必备技能"
    )
    preferred_skills = models.ManyToManyField(
        "occupations.Skill", related_name="preferred_by_postings", blank=True, verbose_name="优先技能"
    )
    required_certificate = models.ForeignKey(
        "occupations.CertificateType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
        verbose_name="要求证书",
    )
    required_certificate_level = models.PositiveSmallIntegerField(
        "证书最低等级", choices=CertificateLevel.choices, null=True, blank=True
    )
    headcount = models.PositiveIntegerField(
        "招聘人数", validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    wage_type = models.CharField(
        "计薪方式", max_length=16, choices=WageType.choices, default=WageType.MONTHLY
    )
    wage_min = models.PositiveIntegerField("月薪下限(元)", null=True, blank=True)
    wage_max = models.PositiveIntegerField("月薪上限(元)", null=True, blank=True)
    rate = models.DecimalField("计件/日结单价(元)", max_digits=8, decimal_places=2, null=True, blank=True)
    rate_unit = models.CharField("单价单位", max_length=16, blank=True)  # 件, 天, 单...
    provides_lodging = models.BooleanField("包住", default=False)
    provides_meals = models.BooleanField("包吃", default=False)
    social_insurance = models.BooleanField("五险一金/社保", default=False)
    couple_rooms = models.BooleanField("夫妻房", default=False)
    shifts = models.CharField("班制", max_length=16, choices=Shifts.choices, default=Shifts.DAY)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="工作地点(区县)"
    )
    address = models.CharField("工作地址", max_length=255, blank=True)
    latitude = models.FloatField(
        "纬度", null=True, blank=True, validators=[MinValueValidator(3), MaxValueValidator(54)]
    )
    longitude = models.FloatField(
        "经度", null=True, blank=True, validators=[MinValueValidator(73), MaxValueValidator(136)]
    )
    campaign = models.CharField("招聘活动", max_length=64, blank=True, db_index=True)  # 南粤春暖...
    description = models.TextField("岗位描述", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    expires_on = models.DateField("截止日期", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "招聘岗位"
        verbose_name_plural = "招聘岗位"
        constraints = [
            models.CheckConstraint(
                name="posting_wage_range_ordered",
                condition=models.Q(wage_min__isnull=True)
                | models.Q(wage_max__isnull=True)
                | models.Q(wage_max__gte=models.F("wage_min")),
            ),
        ]
        indexes = [models.Index(fields=["status", "division"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, message: Message, code: str) -> None:
            errors.setdefault(field, []).append(ValidationError(message, code=code))

        if self.wage_type == self.WageType.MONTHLY:
            if self.wage_min is None:
                add("wage_min", _("月薪岗位须填写月薪下限。"), "wage_min_required")
            if self.wage_max is None:
                add("wage_max", _("月薪岗位须填写月薪上限。"), "wage_max_required")
        elif self.rate is None:
            add("rate", _("计件或日结岗位须填写单价。"), "rate_required")
        for field in ("wage_min", "wage_max"):
            value = getattr(self, field)
            if value is not None and not (MIN_MONTHLY_WAGE <= value <= MAX_MONTHLY_WAGE):
                message = _("月薪应在{low}至{high}元之间。").format(
                    low=MIN_MONTHLY_WAGE, high=MAX_MONTHLY_WAGE
                )
                add(field, message, "wage_out_of_range")
        if self.wage_min is not None and self.wage_max is not None and self.wage_max < self.wage_min:
            add("wage_max", _("月薪上限不能低于下限。"), "wage_range_inverted")
        if self.rate is not None and not (0 < self.rate <= 5000):
            add("rate", _("单价应大于0且不超过5000元。"), "rate_out_of_range")
        if (
            self.required_certificate_level
            and self.required_certificate is not None
            and not self.required_certificate.has_levels
        ):
            add("required_certificate_level", _("该证书不分等级,请勿填写等级。"), "certificate_has_no_levels")
        if (self.latitude is None) != (self.longitude is None):
            add("latitude", _("经纬度须同时填写或同时留空。"), "coordinates_incomplete")
        if errors:
            raise ValidationError(errors)


# The statuses an employer or staff may set by hand (publishing has its own action).
POSTING_STATUS_CHANGES = [
    (s.value, s.label) for s in (Posting.Status.FILLED, Posting.Status.EXPIRED, Posting.Status.DRAFT)
]


class Application(TimeStampedModel):
    """A worker's application to a posting, by themselves or as a staff referral (推荐)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已投递"
        VIEWED = "viewed", "已查看"
        INTERVIEW = "interview", "面试"
        HIRED = "hired", "已录用"
        REJECTED = "rejected", "未录用"
        WITHDRAWN = "withdrawn", "已撤回"

    class Source(models.TextChoices):
        SELF = "self", "本人投递"
        STAFF_REFERRAL = "staff_referral", "工作人员推荐"

    worker = models.ForeignKey("workers.WorkerProfile", on_delete=models.CASCADE, related_name="applications")
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.SELF)
    referred_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("备注", blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "求职申请"
        verbose_name_plural = "求职申请"
        constraints = [
            models.UniqueConstraint(fields=["worker", "posting"], name="one_application_per_posting")
        ]
