"""Password rules by role, with Chinese messages (AUTH_PASSWORD_VALIDATORS).

Staff and administrators: at least 10 characters, not only digits, not close to the username,
name or e-mail, not a common password. Workers keep the same checks with 8 characters (they will
mostly sign in by SMS code, issue 12). The longer rule applies whenever the account is not known
to be a worker's: a new account (createsuperuser and the admin's add form build one before the
role is saved), an account with admin flags, or no account at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import User


def uses_worker_rules(user: Any) -> bool:
    return (
        user is not None
        and user.pk is not None
        and getattr(user, "role", None) == User.Role.WORKER
        and not user.is_staff
        and not user.is_superuser
    )


class RolePasswordValidator:
    def __init__(self, staff_min_length: int = 10, worker_min_length: int = 8) -> None:
        self.staff_min_length = staff_min_length
        self.worker_min_length = worker_min_length
        self._similar = django_rules.UserAttributeSimilarityValidator(
            user_attributes=("username", "display_name", "first_name", "last_name", "email")
        )
        self._common = django_rules.CommonPasswordValidator()

    def min_length(self, user: Any = None) -> int:
        return self.worker_min_length if uses_worker_rules(user) else self.staff_min_length

    def validate(self, password: str, user: Any = None) -> None:
        problems: list[ValidationError] = []
        length = self.min_length(user)
        if len(password) < length:
            problems.append(
                ValidationError(
                    ngettext(
                        "密码太短，至少需要 %(min_length)d 个字符。",
                        "密码太短，至少需要 %(min_length)d 个字符。",
                        length,
                    ),
                    code="password_too_short",
                    params={"min_length": length},
                )
            )
        if password.isdigit():
            problems.append(ValidationError(_("密码不能全是数字。"), code="password_entirely_numeric"))
        try:
            self._similar.validate(password, user)
        except ValidationError:
            problems.append(
                ValidationError(_("密码与用户名、姓名或邮箱太相似。"), code="password_too_similar")
            )
        try:
            self._common.validate(password, user)
        except ValidationError:
            problems.append(ValidationError(_("这个密码太常见，容易被猜到。"), code="password_too_common"))
        if problems:
            raise ValidationError(problems)

    def get_help_text(self) -> str:
        return _(
            "工作人员和管理员的密码至少 %(staff)d 个字符，劳动者至少 %(worker)d 个字符；"
            "不能全是数字，不能与用户名相似，也不能是常见密码。"
        ) % {"staff": self.staff_min_length, "worker": self.worker_min_length}
