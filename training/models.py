from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.common.models import TimeStampedModel
from backend.occupations.models import Brand, CertificateLevel


class Provider(TimeStampedModel):
    """A training provider: 技工院校, 培训机构, enterprise or public training base."""

    class Kind(models.TextChoices):
        TECHNICAL_SCHOOL = "technical_school", "技工院校"
        TRAINING_INSTITUTION = "training_institution", "职业培训机构"
        ENTERPRISE = "enterprise", "企业"
        PUBLIC_BASE = "public_base", "公共实训基地"
        ONLINE_PLATFORM = "online_platform", "线上培训平台"

    external_id = models.CharField("外部编号", max_length=64, unique=True)
    name = models.CharField("机构名称", max_length=128)
    kind = models.CharField("类型", max_length=32, choices=Kind.choices)
    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="所在区县"
    )
    verified = models.BooleanField("已认定", default=False)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=255, blank=True)

    class Meta:
        verbose_name = "培训机构"
        verbose_name_plural = "培训机构"

    def __str__(self) -> str:
        return self.name


class Program(TimeStampedModel):
    """A training program a provider offers; sessions (开班) are its scheduled runs."""

    class Delivery(models.TextChoices):
        OFFLINE = "offline", "线下"
        ONLINE = "online", "线上"
        BLENDED = "blended", "线上线下结合"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        CLOSED = "closed", "已关闭"

    external_id = models.CharField("外部编号", max_length=64, unique=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="programs", verbose_name="培训机构"
    )
    title = models.CharField("项目名称", max_length=128)
    brand = models.CharField("培训品牌", max_length=32, choices=Brand.choices, db_index=True)
    occupation = models.ForeignKey(
        "occupations.Occupation", on_delete=models.PROTECT, related_name="programs", verbose_name="职业(工种)"
    )
    skills = models.ManyToManyField(
        "occupations.Skill", related_name="programs", blank=True, verbose_name="所授技能"
    )
    certificate_type = models.ForeignKey(
        "occupations.CertificateType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name="颁发证书",
    )
    certificate_level = models.PositiveSmallIntegerField(
        "证书等级", choices=CertificateLevel.choices, null=True, blank=True
    )
    delivery = models.CharField("授课方式", max_length=16, choices=Delivery.choices, default=Delivery.OFFLINE)
    online_url = models.URLField("线上课程链接", blank=True)
    venue_division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="培训地点(区县)"
    )
    venue_address = models.CharField("培训地址", max_length=255, blank=True)
    latitude = models.FloatField(
        "纬度", null=True, blank=True, validators=[MinValueValidator(3), MaxValueValidator(54)]
    )
    longitude = models.FloatField(
        "经度", null=True, blank=True, validators=[MinValueValidator(73), MaxValueValidator(136)]
    )
    hours = models.PositiveIntegerField("课时", validators=[MinValueValidator(1), MaxValueValidator(2000)])
    fee = models.DecimalField("费用(元)", max_digits=8, decimal_places=2, default=0)
    is_free = models.BooleanField("免费", default=False)
    is_subsidised = models.BooleanField("可享培训补贴", default=False)
    eligibility = models.TextField("补贴/报名条件", blank=True)
    description = models.TextField("项目介绍", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "培训项目"
        verbose_name_plural = "培训项目"
        constraints = [
            models.CheckConstraint(name="program_fee_non_negative", condition=models.Q(fee__gte=0)),
            models.CheckConstraint(
                name="program_online_has_url",
                condition=models.Q(delivery="offline") | ~models.Q(online_url=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.delivery != self.Delivery.OFFLINE and not self.online_url:
            errors.setdefault("online_url", []).append(
                ValidationError(_("线上或混合授课的项目必须填写课程链接。"), code="online_url_required")
            )
        if (
            self.certificate_level
            and self.certificate_type is not None
            and not self.certificate_type.has_levels
        ):
            errors.setdefault("certificate_level", []).append(
                ValidationError(_("该证书不分等级,请勿填写等级。"), code="certificate_has_no_levels")
            )
        if (
            self.certificate_type is not None
            and self.certificate_type.has_levels
            and not self.certificate_level
        ):
            errors.setdefault("certificate_level", []).append(
                ValidationError(_("请选择颁发证书的等级。"), code="certificate_level_required")
            )
        if self.is_free and self.fee:
            errors.setdefault("fee", []).append(
                ValidationError(_("免费项目的费用应为0。"), code="free_program_has_fee")
            )
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("latitude", []).append(
                ValidationError(_("经纬度须同时填写或同时留空。"), code="coordinates_incomplete")
            )
        if errors:
            raise ValidationError(errors)


class Session(TimeStampedModel):
    """开班: one scheduled run of a program with its dates and seats."""

    class Status(models.TextChoices):
        OPEN = "open", "报名中"
        FULL = "full", "已满"
        RUNNING = "running", "进行中"
        FINISHED = "finished", "已结束"
        CANCELLED = "cancelled", "已取消"

    external_id = models.CharField("外部编号", max_length=64, unique=True)
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="sessions", verbose_name="培训项目"
    )
    start_date = models.DateField("开班日期", db_index=True)
    end_date = models.DateField("结业日期")
    enrol_deadline = models.DateField("报名截止", null=True, blank=True)
    seats = models.PositiveIntegerField("名额", validators=[MinValueValidator(1), MaxValueValidator(10000)])
    enrolled_count = models.PositiveIntegerField("已报名", default=0)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )

    class Meta:
        verbose_name = "开班"
        verbose_name_plural = "开班"
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                name="session_dates_ordered", condition=models.Q(end_date__gte=models.F("start_date"))
            ),
            models.CheckConstraint(
                name="session_not_overbooked", condition=models.Q(enrolled_count__lte=models.F("seats"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.title} {self.start_date:%Y-%m-%d}"

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(
                ValidationError(_("结业日期不能早于开班日期。"), code="end_before_start")
            )
        if self.enrol_deadline and self.start_date and self.enrol_deadline > self.start_date:
            errors.setdefault("enrol_deadline", []).append(
                ValidationError(_("报名截止日期不能晚于开班日期。"), code="deadline_after_start")
            )
        if self.seats is not None and self.enrolled_count > self.seats:
            errors.setdefault("seats", []).append(
                ValidationError(_("名额不能少于已报名人数。"), code="seats_below_enrolled")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.enrolled_count, 0)


class Enrolment(TimeStampedModel):
    """A worker's place in a session, from application to certification."""

    class Status(models.TextChoices):
        APPLIED = "applied", "已报名"
        ENROLLED = "enrolled", "已录取"
        COMPLETED = "completed", "已结业"
        CERTIFIED = "certified", "已取证"
        DROPPED = "dropped", "已退出"

    class Source(models.TextChoices):
        SELF = "self", "本人报名"
        STAFF = "staff", "工作人员推荐"

    worker = models.ForeignKey("workers.WorkerProfile", on_delete=models.CASCADE, related_name="enrolments")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.SELF)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        constraints = [
            models.UniqueConstraint(fields=["worker", "session"], name="one_enrolment_per_session")
        ]
