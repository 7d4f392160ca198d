"""The forms of the second-factor pages: one code, typed on a phone."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from backend.accounts.second_factor import RECOVERY_CODE_COUNT

_NUMERIC = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "maxlength": "7",
    "autocapitalize": "none",
}


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6位动态验证码"),
        max_length=7,
        help_text=_("打开身份验证器App，输入“粤技桥 SkillBridge”下面显示的6位数字。"),
        error_messages={"required": _("请输入6位动态验证码。")},
        widget=forms.TextInput(attrs=_NUMERIC),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("动态验证码是6位数字。"), code="format")
        return code


class VerifyForm(forms.Form):
    """Either the app's code or one recovery code (the second field sits in a fold below)."""

    code = forms.CharField(
        label=_("6位动态验证码"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs=_NUMERIC),
    )
    recovery_code = forms.CharField(
        label=_("恢复码"),
        max_length=20,
        required=False,
        help_text=format_lazy(
            _("手机不在身边时，输入{count}个恢复码中的一个；每个只能用一次。"), count=RECOVERY_CODE_COUNT
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        code = "".join((data.get("code") or "").split())
        recovery = (data.get("recovery_code") or "").strip()
        if not code and not recovery:
            self.add_error(
                "code", forms.ValidationError(_("请输入6位动态验证码或一个恢复码。"), code="required")
            )
        elif code and not (code.isdigit() and len(code) == 6):
            self.add_error("code", forms.ValidationError(_("动态验证码是6位数字。"), code="format"))
        data["value"] = code or recovery
        return data
