"""Forms of the providers' and employers' pages.

Field types, lengths and choices come from the models; every rule beyond them (online courses
need a link, wage ranges, certificate levels...) is the services', whose errors come back beside
the same fields (views.detail._submit). Skills are typed as names or synonyms and resolved the
way the spreadsheet import resolves them, which is easier on a phone than a 600-item list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from backend.accounts.policies import role_of
from backend.imports.coerce import CellError, as_list
from backend.imports.lookups import Lookups, Unresolved
from backend.imports.models import ImportJob
from backend.imports.services import KIND_ROLES
from backend.jobs.models import Posting
from backend.occupations.models import Skill
from training.models import Program, Session

from .selectors_provider import county_choices, managed_employers

# The kinds' names in the page's language (ImportJob.Kind's labels are not translated).
KIND_LABELS = {
    "programs": _("培训项目"), "sessions": _("开班"), "postings": _("招聘岗位"), "workers": _("劳动者"),
    "employers": _("用人单位"), "providers": _("培训机构"),
}  # fmt: skip
# Offered as suggestions in the campaign field; any other tag may be typed.
COMMON_CAMPAIGNS = (
    "南粤春暖",
    "春风行动",
    "就业援助月",
    "民营企业招聘月",
    "百日千万招聘专项行动",
    "金秋招聘月",
)
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class SkillNamesField(forms.CharField):
    """Skill names or synonyms separated by 、,; (焊接、电焊 → the 焊接 skill), as in the import."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("help_text", _("用顿号或逗号分隔,可以写常用叫法,例如:电焊、二保焊"))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):  # the instance's skills when editing
            return "、".join(skill.name if isinstance(skill, Skill) else str(skill) for skill in value)
        return value

    def clean(self, value: Any) -> list[Skill]:
        text = super().clean(value)
        try:
            names = as_list(text)
        except CellError as error:
            raise ValidationError(error.message) from None
        index = Lookups().skills
        skills: list[Skill] = []
        problems: list[str] = []
        for name in names:
            try:
                skill = index.resolve(name)
            except Unresolved as error:
                problems.append(error.message)
                continue
            if skill not in skills:
                skills.append(skill)
        if problems:
            raise ValidationError(problems)
        return skills


class ServiceForm(forms.ModelForm):
    """A model form that leaves validating the instance to the service it is handed to."""

    def _post_clean(self) -> None:
        """No construct_instance/full_clean: the service sets the fields and validates them."""

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _county_label(division: Any) -> str:
    parent = division.parent.name if division.parent_id else ""
    return f"{parent} {division.name}".strip()


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
        venue = self.fields["venue_division"]
        venue.queryset = county_choices(user=user)  # type: ignore[attr-defined]
        venue.label_from_instance = _county_label  # type: ignore[attr-defined]
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
        widgets = dict.fromkeys(("start_date", "end_date", "enrol_deadline"), _DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:  # a new session always starts open
            del self.fields["status"]


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
        widgets = {"expires_on": _DATE, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        division = self.fields["division"]
        division.queryset = county_choices(user=user)  # type: ignore[attr-defined]
        division.label_from_instance = _county_label  # type: ignore[attr-defined]
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


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入什么"))
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_("支持 .xlsx、.csv、.jsonl;第一行是列名。有错误时整个文件都不会写入。"),
        error_messages={"required": _("请选择要上传的文件。"), "empty": _("文件是空的。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.jsonl"}),
    )

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = import_kinds(role)  # type: ignore[attr-defined]


def import_kinds(role: str) -> list[tuple[str, Any]]:
    """The kinds this role may import (the service's KIND_ROLES), in the model's order."""
    return [(value, KIND_LABELS[value]) for value in ImportJob.Kind.values if role in KIND_ROLES[value]]
