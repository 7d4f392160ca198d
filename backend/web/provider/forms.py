"""Forms of a training provider's pages: a program and a session (开班).

The rules beyond the models' are the services' (see catalogue_forms for what these share with the
postings form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from training.models import Program, Session

from ..catalogue_forms import DATE_INPUT, ServiceForm, SkillNamesField, offer_counties

_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ProgramForm(ServiceForm):
    skills = SkillNamesField(label=_("所授技能"))
    online_url = forms.URLField(
        label=_("线上课程链接"),
        required=False,
        assume_scheme="https",
        help_text=_("线上或线上线下结合授课时必填"),
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )

    class Meta:
        model = Program
        fields = (
            "title", "brand", "occupation", "skills", "certificate_type", "certificate_level", "delivery",
            "online_url", "venue_division", "venue_address", "hours", "fee", "is_free", "is_subsidised",
            "eligibility", "description",
        )  # fmt: skip
        labels = {
            "title": _("项目名称"), "brand": _("培训品牌"), "occupation": _("职业(工种)"),
            "certificate_type": _("颁发证书"), "certificate_level": _("证书等级"), "delivery": _("授课方式"),
            "online_url": _("线上课程链接"), "venue_division": _("培训地点(区县)"),
            "venue_address": _("培训地址"), "hours": _("课时"), "fee": _("费用(元)"), "is_free": _("免费"),
            "is_subsidised": _("可享培训补贴"), "eligibility": _("补贴/报名条件"), "description": _("项目介绍"),
        }  # fmt: skip
        help_texts = {
            "certificate_level": _("分等级的证书必填"),
            "fee": _("免费项目填 0"),
        }
        widgets = {"eligibility": _TEXTAREA, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_counties(self.fields["venue_division"], user=user)
        self.fields["fee"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["skills"] = list(self.instance.skills.all())

    def clean_fee(self) -> Any:
        return self.cleaned_data["fee"] or 0


class SessionForm(ServiceForm):
    class Meta:
        model = Session
        fields = ("start_date", "end_date", "enrol_deadline", "seats", "status")
        labels = {
            "start_date": _("开班日期"), "end_date": _("结业日期"), "enrol_deadline": _("报名截止"),
            "seats": _("名额"), "status": _("状态"),
        }  # fmt: skip
        widgets = dict.fromkeys(("start_date", "end_date", "enrol_deadline"), DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:  # a new session always starts open
            del self.fields["status"]
