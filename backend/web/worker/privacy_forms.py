"""The forms of the worker's 隐私与数据 page and of the staff's deletion requests page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.workers.deletion import REASON_MAX
from backend.workers.models import ConsentPurpose

# Where a consent button sends the worker back to (the 推荐 page has its own one-click switch).
NEXT_PAGES = {"privacy": "me-privacy", "recommendations": "me-recommendations"}


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        choices=ConsentPurpose.choices, error_messages={"invalid_choice": _("没有这种同意事项。")}
    )
    given = forms.TypedChoiceField(
        choices=(("1", _("同意")), ("0", _("不同意"))), coerce=lambda v: v == "1",
        error_messages={"invalid_choice": _("请选择同意或不同意。"), "required": _("请选择同意或不同意。")},
    )  # fmt: skip
    next = forms.ChoiceField(choices=[(k, k) for k in NEXT_PAGES], required=False)


class DeletionRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我明白:注销后姓名、手机号、身份证号等会被删除,账号不能再登录"),
        error_messages={"required": _("请先勾选确认。")},
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("不予注销的原因"), max_length=REASON_MAX,
        error_messages={"required": _("请填写不予注销的原因。"),
                        "max_length": _("原因不能超过%(limit_value)d个字。")},
    )  # fmt: skip


class InPersonForm(forms.Form):
    identity = forms.CharField(
        label=_("身份证号或手机号"), max_length=32, error_messages={"required": _("请填写身份证号或手机号。")}
    )
    confirm = forms.BooleanField(
        label=_("劳动者本人已在窗口当面申请注销"), error_messages={"required": _("请先勾选确认。")}
    )
