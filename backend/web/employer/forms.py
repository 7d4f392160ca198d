"""The job posting form of /manage/postings/, for employers and service staff.

The rules beyond the model's are the posting services' (see catalogue_forms for what this shares
with the providers' program form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.jobs.models import Posting

from ..catalogue_forms import DATE_INPUT, ServiceForm, SkillNamesField, offer_counties
from .selectors import managed_employers

# Offered as suggestions in the campaign field; any other tag may be typed.
COMMON_CAMPAIGNS = (
    "南粤春暖",
    "春风行动",
    "就业援助月",
    "民营企业招聘月",
    "百日千万招聘专项行动",
    "金秋招聘月",
)


class PostingForm(ServiceForm):
    required_skills = SkillNamesField(label=_("必备技能"))

    class Meta:
        model = Posting
        fields = (
            "employer", "title", "occupation", "required_skills", "required_certificate",
            "required_certificate_level", "headcount", "wage_type", "wage_min", "wage_max", "rate", "rate_unit",
            "provides_meals", "provides_lodging", "social_insurance", "couple_rooms", "shifts", "division",
            "address", "campaign", "expires_on", "description",
        )  # fmt: skip
        labels = {
            "employer": _("用人单位"), "title": _("岗位名称"), "occupation": _("职业(工种)"),
            "required_certificate": _("要求证书"), "required_certificate_level": _("证书最低等级"),
            "headcount": _("招聘人数"), "wage_type": _("计薪方式"), "wage_min": _("月薪下限(元)"),
            "wage_max": _("月薪上限(元)"), "rate": _("计件/日结单价(元)"), "rate_unit": _("单价单位"),
            "provides_meals": _("包吃"), "provides_lodging": _("包住"), "social_insurance": _("五险一金/社保"),
            "couple_rooms": _("夫妻房"), "shifts": _("班制"), "division": _("工作地点(区县)"),
            "address": _("工作地址"), "campaign": _("招聘活动"), "expires_on": _("截止日期"),
            "description": _("岗位描述"),
        }  # fmt: skip
        help_texts = {
            "wage_min": _("月薪岗位必填"),
            "rate": _("计件或日结岗位必填"),
            "rate_unit": _("例如:件、天、单"),
            "campaign": _("例如:南粤春暖;可留空"),
            "expires_on": _("留空则发布后 60 天截止"),
        }
        widgets = {"expires_on": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_counties(self.fields["division"], user=user)
        self.fields["campaign"].widget.attrs["list"] = "campaigns"
        role = role_of(user)
        if self.instance.pk or role != "service_staff":
            del self.fields["employer"]  # an employer posts for itself; a posting never moves
        else:
            self.fields["employer"].queryset = managed_employers(user=user)  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            self.initial["required_skills"] = list(self.instance.required_skills.all())
        elif not self.instance.pk and role == "employer_staff" and not self.is_bound:
            self.initial["division"] = user.employer.county_id
