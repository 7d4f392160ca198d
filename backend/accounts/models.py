from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from backend.common.models import TimeStampedModel


class ServiceCentre(TimeStampedModel):
    """A public employment service centre (县人社局 / 农民工综合服务中心) covering some counties."""

    name = models.CharField("名称", max_length=128, unique=True)
    counties = models.ManyToManyField(
        "regions.Division", related_name="service_centres", verbose_name="覆盖区县"
    )

    class Meta:
        verbose_name = "就业服务中心"
        verbose_name_plural = "就业服务中心"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):  # type: ignore[django-manager-missing]  # knox's untyped auth_token_set
    """A login. The role decides what it may see; staff roles belong to one organisation."""

    class Role(models.TextChoices):
        WORKER = "worker", "劳动者"
        PROVIDER_STAFF = "provider_staff", "培训机构人员"
        EMPLOYER_STAFF = "employer_staff", "用人单位人员"
        SERVICE_STAFF = "service_staff", "就业服务人员"
        # 等保2.0 three-officer split: the system administrator runs the service and its data;
        # the security administrator manages accounts, roles and lockouts and sees no personal
        # data; the auditor reads the audit log and nothing else.
        ADMIN = "admin", "系统管理员"
        SECURITY_ADMIN = "security_admin", "安全管理员"
        AUDITOR = "auditor", "审计管理员"

    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.WORKER)
    display_name = models.CharField("姓名", max_length=64, blank=True)
    provider = models.ForeignKey(
        "training.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    employer = models.ForeignKey(
        "jobs.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    service_centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="provider_staff_has_provider",
                condition=~models.Q(role="provider_staff") | models.Q(provider__isnull=False),
            ),
            models.CheckConstraint(
                name="employer_staff_has_employer",
                condition=~models.Q(role="employer_staff") | models.Q(employer__isnull=False),
            ),
            models.CheckConstraint(
                name="service_staff_has_centre",
                condition=~models.Q(role="service_staff") | models.Q(service_centre__isnull=False),
            ),
        ]


class ApiToken(AbstractAuthToken):
    """One API token (django-rest-knox's, swapped in by KNOX_TOKEN_MODEL): only its SHA-512 digest
    and first 15 characters are stored. One per device; it expires by the owner's role
    (backend/accounts/tokens.py) and is revoked by deleting the row.

    `id` is what the owner and the security administrator name a token by: never the key."""

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField("设备名称", max_length=64, blank=True)
    user_agent = models.CharField("客户端", max_length=200, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        indexes = [models.Index(fields=["user", "expiry"], name="apitoken_user_expiry")]

    def __str__(self) -> str:
        return f"{self.name or self.user_agent[:40] or '接口令牌'} #{self.pk}"
