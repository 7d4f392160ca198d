from __future__ import annotations

import logging

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from backend.common import crypto
from backend.common.models import TimeStampedModel
from backend.common.validators import mask_id_number, mask_mobile, normalise_id_number, validate_mobile
from backend.occupations.models import CertificateLevel

log = logging.getLogger(__name__)


class WorkerProfile(TimeStampedModel):
    """A worker's profile. A login is optional: staff register many workers at the window.

    The 身份证号 is stored encrypted, with a keyed hash for duplicate checks and a masked copy
    for display; only the worker and authorised staff may read it whole (see selectors).
    """

    class Education(models.TextChoices):
        PRIMARY = "primary", "小学及以下"
        JUNIOR = "junior", "初中"
        SENIOR = "senior", "高中/中专/技校"
        COLLEGE = "college", "大专"
        BACHELOR = "bachelor", "本科及以上"

    class Gender(models.TextChoices):
        UNSPECIFIED = "", "未填写"
        MALE = "male", "男"
        FEMALE = "female", "女"

    class RegistrationStatus(models.TextChoices):
        NONE = "none", "未登记"
        EMPLOYED = "employed", "已就业登记"
        UNEMPLOYED = "unemployed", "已失业登记"

    external_id = models.CharField("外部编号", max_length=64, unique=True)
    user = models.OneToOneField(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="worker_profile"
    )
    name = models.CharField("姓名", max_length=64)
    mobile = models.CharField("手机号码", max_length=11, validators=[validate_mobile])
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_number_masked = models.CharField("身份证号(脱敏)", max_length=18, blank=True, editable=False)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True, default="")
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        "出生年份", null=True, blank=True, validators=[MinValueValidator(1940), MaxValueValidator(2015)]
    )
    hukou_division = models.ForeignKey(
        "regions.Division",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="户籍地",
    )
    current_division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="常住地"
    )
    preferred_divisions = models.ManyToManyField(
        "regions.Division", related_name="+", blank=True, verbose_name="意向工作地"
    )
    wants_work_near_home = models.BooleanField("希望在户籍地附近就业", default=False)
    max_commute_km = models.PositiveIntegerField(
        "可接受通勤距离(公里)", null=True, blank=True, validators=[MaxValueValidator(2000)]
    )
    willing_to_relocate = models.BooleanField("愿意异地就业", default=False)
    education = models.CharField("文化程度", max_length=16, choices=Education.choices, blank=True)
    desired_occupations = models.ManyToManyField(
        "occupations.Occupation", related_name="+", blank=True, verbose_name="意向职业"
    )
    wage_floor = models.PositiveIntegerField(
        "期望最低月薪(元)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    needs_lodging = models.BooleanField("需要住宿", default=False)
    needs_meals = models.BooleanField("需要包吃", default=False)
    needs_couple_room = models.BooleanField("需要夫妻房", default=False)
    wants_to_start_business = models.BooleanField("有创业意向", default=False)
    available_from = models.DateField("可到岗日期", null=True, blank=True)
    languages = models.JSONField("语言/方言", default=list, blank=True)
    registration_status = models.CharField(
        "就业失业登记", max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.NONE
    )
    consent_data_processing = models.BooleanField("同意个人信息处理", default=False)
    consent_share_with_employers = models.BooleanField("同意向用人单位推荐", default=False)
    consent_contact = models.BooleanField("同意接收岗位/培训通知", default=False)
    # PIPL Art. 24: personalised recommendation is the service itself, so it is on until the
    # worker turns it off (an easy opt-out, not an opt-in). The four consent_* fields mirror the
    # latest ConsentRecord of each purpose and are written only by backend/workers/consent.py.
    consent_personalised_recommendations = models.BooleanField("接受个性化推荐", default=True)
    anonymised_at = models.DateTimeField("注销时间", null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )

    class Meta:
        verbose_name = "劳动者"
        verbose_name_plural = "劳动者"

    def __str__(self) -> str:
        return self.name

    # --- personal data ---------------------------------------------------------------------
    def set_id_number(self, value: str) -> None:
        number = normalise_id_number(value)
        if not number:
            self.id_number_encrypted, self.id_number_hash, self.id_number_masked = "", None, ""
            return
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_hash = crypto.blind_index(number)
        self.id_number_masked = mask_id_number(number)

    def reveal_id_number(self) -> str:
        """The whole number; callers must have checked the viewer may see it.

        When no configured key opens it (a key removed before `rotate_field_key` moved every row),
        the stored masked copy stands in and a warning names the row (never the value): a page
        shows less rather than failing.
        """
        if not self.id_number_encrypted:
            return ""
        try:
            return crypto.decrypt(self.id_number_encrypted)
        except crypto.InvalidToken:
            log.warning(
                "worker profile %s: no field-encryption key opens its ID number; showing it masked", self.pk
            )
            return self.id_number_masked

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)


class WorkerSkill(models.Model):
    worker = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey("occupations.Skill", on_delete=models.PROTECT, related_name="+")
    years = models.PositiveSmallIntegerField("年限", default=0, validators=[MaxValueValidator(60)])
    level = models.PositiveSmallIntegerField("等级", choices=CertificateLevel.choices, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "skill"], name="one_row_per_worker_skill")]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.skill_id}"


class WorkerCertificate(models.Model):
    worker = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="certificates")
    certificate_type = models.ForeignKey(
        "occupations.CertificateType", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("等级", choices=CertificateLevel.choices, null=True, blank=True)
    obtained_on = models.DateField("取得日期", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "certificate_type"], name="one_row_per_worker_certificate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.certificate_type_id}"


class ConsentPurpose(models.TextChoices):
    DATA_PROCESSING = "data_processing", "个人信息处理"
    SHARE_WITH_EMPLOYERS = "share_with_employers", "向用人单位推荐"
    CONTACT = "contact", "接收通知"
    PERSONALISED_RECOMMENDATIONS = "personalised_recommendations", "个性化推荐"


class ConsentChannel(models.TextChoices):
    WINDOW = "window", "窗口登记"
    WEB = "web", "网页"
    API = "api", "接口"
    IMPORT = "import", "批量导入"
    MIGRATED = "migrated", "历史数据迁移"
    SYSTEM = "system", "系统(保存期限届满)"  # the retention job, which no person runs


class ConsentRecord(models.Model):
    """One giving or withdrawing of consent, append-only; the latest per purpose is the state."""

    worker = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="consent_records")
    purpose = models.CharField("目的", max_length=32, choices=ConsentPurpose.choices)
    given = models.BooleanField("同意")
    policy_version = models.CharField("政策版本", max_length=32, blank=True)
    channel = models.CharField("渠道", max_length=16, choices=ConsentChannel.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "同意记录"
        verbose_name_plural = "同意记录"
        indexes = [models.Index(fields=["worker", "purpose", "at"], name="consent_latest_per_purpose")]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.purpose}={self.given}"


class DeletionRequest(TimeStampedModel):
    """A worker's request to close their profile (申请注销/删除), decided by service staff."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        CONFIRMED = "confirmed", "已注销"
        REFUSED = "refused", "未通过"

    worker = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="deletion_requests")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    channel = models.CharField("渠道", max_length=16, choices=ConsentChannel.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    refusal_reason = models.CharField("未通过原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "注销申请"
        verbose_name_plural = "注销申请"
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=models.Q(status="pending"), name="one_pending_deletion_request"
            ),
            models.CheckConstraint(
                name="refusal_has_reason",
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.status}"
