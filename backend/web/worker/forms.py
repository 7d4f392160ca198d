"""The profile wizard's four steps, each a plain Django form that works without JS.

Each step cleans to the API's input shape (division codes, taxonomy slugs), so the whole profile
is finally checked by the API's `WorkerProfileInput` and saved by the same services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.common.validators import validate_id_number, validate_mobile
from backend.occupations.models import CertificateLevel

from . import selectors as sel

SKILL_ROWS = 5
CERTIFICATE_ROWS = 3
OCCUPATION_ROWS = 3
STEP_TITLES = {1: _("基本信息"), 2: _("地点"), 3: _("技能和证书"), 4: _("意向和需求")}
LEVEL_CHOICES = [("", _("不分等级/不清楚")), *CertificateLevel.choices]
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StepForm(forms.Form):
    """Marks a field that has errors for screen readers (aria-invalid, pointing at the message)."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field and field in self.fields:
            self.fields[field].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"err-{field}"}
            )


def _suggest(api: str) -> dict[str, str]:
    """A text box the JS turns into a combobox fed by the reference API (names, synonyms, pinyin)."""
    return {"data-suggest": api, "autocomplete": "off", "class": "suggest"}


class BasicForm(StepForm):
    name = forms.CharField(label=_("姓名"), max_length=64, error_messages={"required": _("请填写姓名。")})
    mobile = forms.CharField(
        label=_("手机号码"), max_length=20, validators=[validate_mobile],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
        error_messages={"required": _("请填写手机号码,方便用人单位联系你。")},
    )  # fmt: skip
    gender = forms.ChoiceField(
        label=_("性别(可不填)"), required=False, widget=forms.RadioSelect,
        choices=[("male", _("男")), ("female", _("女")), ("", _("不填写"))],
    )  # fmt: skip
    id_number = forms.CharField(
        label=_("身份证号(可不填)"),
        required=False,
        max_length=32,
        validators=[validate_id_number],
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def clean_mobile(self) -> str:
        return self.cleaned_data["mobile"].strip().replace(" ", "")

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].strip().upper()

    def profile_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("name", "mobile", "gender")}
        if self.cleaned_data["id_number"]:  # blank keeps a saved number (it is never shown again)
            data["id_number"] = self.cleaned_data["id_number"]
        return data


class DivisionPicker:
    """Province → city → county selects named <prefix>_province/_city/_county.

    Without JS the user picks a province and taps 选择 to reload the city list (and so on); the
    choices of each select come from the value chosen above it, so a stale city is simply dropped.
    """

    LEVELS = ("province", "city", "county")

    def __init__(self, form: forms.Form, prefix: str, *, label: Any, required: bool) -> None:
        self.form, self.prefix, self.label, self.required = form, prefix, label, required
        province, city = self.value("province"), self.value("city")
        choices = {
            "province": sel.division_choices(parent=None),
            "city": sel.division_choices(parent=province) if province else [],
            "county": sel.division_choices(parent=city) if city else [],
        }
        names = {"province": _("省份"), "city": _("城市"), "county": _("区县")}
        for level in self.LEVELS:
            form.fields[self.name(level)] = forms.ChoiceField(
                label=names[level], required=False, choices=[("", _("请选择")), *choices[level]],
                error_messages={"invalid_choice": _("请重新选择。")},
            )  # fmt: skip

    def name(self, level: str) -> str:
        return f"{self.prefix}_{level}"

    def value(self, level: str) -> str:
        key = self.name(level)
        raw = self.form.data.get(key) if self.form.is_bound else self.form.initial.get(key)
        return raw if isinstance(raw, str) else ""

    @property
    def fields(self) -> list[forms.BoundField]:
        return [self.form[self.name(level)] for level in self.LEVELS]

    def resolve(self, cleaned: dict[str, Any]) -> str | None:
        """The chosen division's code: the county, or a city that has no counties (东莞市)."""
        province, city, county = (cleaned.get(self.name(level)) for level in self.LEVELS)
        if county:
            return str(county)
        if city and not sel.division_choices(parent=city):
            return str(city)
        if city:
            self.form.add_error(self.name("county"), _("请选择区县。"))
        elif province or self.required:
            self.form.add_error(self.name("city"), _("请选择城市。"))
        return None


class PlaceForm(StepForm):
    preferred_divisions = forms.MultipleChoiceField(
        label=_("想去哪些城市工作(可多选)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    wants_work_near_home = forms.BooleanField(label=_("希望在家附近工作"), required=False)
    max_commute_km = forms.IntegerField(
        label=_("最远能接受多远(公里,可不填)"), required=False, min_value=0, max_value=2000,
        error_messages={"invalid": _("请填写数字,例如 30。")},
    )  # fmt: skip
    willing_to_relocate = forms.BooleanField(label=_("愿意去外地工作"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = DivisionPicker(self, "current", label=_("现在住在哪里"), required=True)
        self.hukou = DivisionPicker(self, "hukou", label=_("户口所在地(可不填)"), required=False)
        self.fields["preferred_divisions"].choices = sel.preferred_city_choices(  # type: ignore[attr-defined]
            self._chosen_places()
        )

    def _chosen_places(self) -> list[str]:
        """The codes typed in (bound) or saved (initial): each must be a listed choice."""
        if self.is_bound:
            raw = self.data.getlist("preferred_divisions") if hasattr(self.data, "getlist") else []
        else:
            value = self.initial.get("preferred_divisions") or []
            raw = value if isinstance(value, list) else [value]
        return [str(code) for code in raw]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["current_division"] = self.current.resolve(cleaned)
        cleaned["hukou_division"] = self.hukou.resolve(cleaned)
        return cleaned

    def profile_data(self) -> dict[str, Any]:
        names = ("current_division", "hukou_division", "preferred_divisions", "wants_work_near_home",
                 "max_commute_km", "willing_to_relocate")  # fmt: skip
        return {k: self.cleaned_data[k] for k in names}


class _RowsForm(StepForm):
    """Rows of free text resolved to taxonomy entries by name, synonym or pinyin."""

    def _resolve(self, field: str, search: Any, what: Any) -> Any:
        text = (self.cleaned_data.get(field) or "").strip()
        if not text:
            return None
        found, suggestions = sel.taxonomy_match(search, text)
        if found is None:
            hint = "、".join(suggestions)
            message = _("找不到“%(text)s”这个%(what)s。") % {"text": text, "what": what}
            if hint:
                message += str(_("你是不是要找:%(hint)s")) % {"hint": hint}
            self.add_error(field, message)
        return found


class SkillsForm(_RowsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(SKILL_ROWS):
            self.fields[f"skill_{i}"] = forms.CharField(
                label=_("技能"), required=False, max_length=64,
                widget=forms.TextInput(attrs=_suggest("/api/v1/skills/")),
            )  # fmt: skip
            self.fields[f"years_{i}"] = forms.IntegerField(
                label=_("做了几年"), required=False, min_value=0, max_value=60,
                error_messages={"invalid": _("请填写年数,例如 3。")},
            )  # fmt: skip
        for i in range(CERTIFICATE_ROWS):
            self.fields[f"cert_{i}"] = forms.CharField(
                label=_("证书"), required=False, max_length=64,
                widget=forms.TextInput(attrs=_suggest("/api/v1/certificate-types/")),
            )  # fmt: skip
            self.fields[f"cert_level_{i}"] = forms.TypedChoiceField(
                label=_("等级"), required=False, choices=LEVEL_CHOICES, coerce=int, empty_value=None
            )

    def skill_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"skill_{i}"], self[f"years_{i}"]) for i in range(SKILL_ROWS)]

    def certificate_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"cert_{i}"], self[f"cert_level_{i}"]) for i in range(CERTIFICATE_ROWS)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        skills, seen = [], set()
        for i in range(SKILL_ROWS):
            skill = self._resolve(f"skill_{i}", sel.skill_search, _("技能"))
            if skill is None:
                continue
            if skill.slug in seen:
                self.add_error(f"skill_{i}", _("同一技能只能填写一次。"))
            seen.add(skill.slug)
            skills.append({"skill": skill.slug, "years": cleaned.get(f"years_{i}") or 0})
        certificates = []
        for i in range(CERTIFICATE_ROWS):
            ctype = self._resolve(f"cert_{i}", sel.certificate_type_search, _("证书"))
            if ctype is None:
                continue
            level = cleaned.get(f"cert_level_{i}")
            if level and not ctype.has_levels:
                self.add_error(f"cert_level_{i}", _("“%(name)s”不分等级。") % {"name": ctype.name})
            certificates.append({"certificate_type": ctype.slug, "level": level})
        cleaned["skills"], cleaned["certificates"] = skills, certificates
        return cleaned

    def profile_data(self) -> dict[str, Any]:
        return {"skills": self.cleaned_data["skills"], "certificates": self.cleaned_data["certificates"]}


class WishesForm(_RowsForm):
    wage_floor = forms.IntegerField(
        label=_("每月最少要多少钱(元,可不填)"), required=False, min_value=0, max_value=100000,
        error_messages={"invalid": _("请填写数字,例如 4500。")},
    )  # fmt: skip
    needs_lodging = forms.BooleanField(label=_("需要包住"), required=False)
    needs_meals = forms.BooleanField(label=_("需要包吃"), required=False)
    needs_couple_room = forms.BooleanField(label=_("需要夫妻房"), required=False)
    available_from = forms.DateField(
        label=_("哪天可以上班(可不填)"), required=False, widget=_DATE,
        error_messages={"invalid": _("请填写日期,例如 2026-03-01。")},
    )  # fmt: skip
    wants_to_start_business = forms.BooleanField(label=_("想自己创业"), required=False)
    consent_data_processing = forms.BooleanField(
        label=_("我同意平台保存和处理我的个人信息,用于推荐岗位和培训"), required=True,
        error_messages={"required": _("登记前须征得本人同意处理个人信息。")},
    )  # fmt: skip
    consent_share_with_employers = forms.BooleanField(
        label=_("我同意把我的资料推荐给用人单位"), required=False
    )
    consent_contact = forms.BooleanField(label=_("我同意接收岗位和培训通知"), required=False)

    def __init__(self, *args: Any, on_behalf: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(OCCUPATION_ROWS):
            self.fields[f"occupation_{i}"] = forms.CharField(
                label=_("想做的工作"), required=False, max_length=64,
                widget=forms.TextInput(attrs=_suggest("/api/v1/occupations/")),
            )  # fmt: skip
        if on_behalf:  # staff tick what the worker agreed to at the window
            self.fields["consent_data_processing"].label = _("劳动者本人已同意处理其个人信息")
            self.fields["consent_share_with_employers"].label = _("劳动者同意向用人单位推荐")
            self.fields["consent_contact"].label = _("劳动者同意接收岗位和培训通知")

    def occupation_fields(self) -> list[forms.BoundField]:
        return [self[f"occupation_{i}"] for i in range(OCCUPATION_ROWS)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        slugs: list[str] = []
        for i in range(OCCUPATION_ROWS):
            occupation = self._resolve(f"occupation_{i}", sel.occupation_search, _("工作"))
            if occupation is not None and occupation.slug not in slugs:
                slugs.append(occupation.slug)
        cleaned["desired_occupations"] = slugs
        return cleaned

    def profile_data(self) -> dict[str, Any]:
        names = ("desired_occupations", "wage_floor", "needs_lodging", "needs_meals", "needs_couple_room",
                 "available_from", "wants_to_start_business", "consent_data_processing",
                 "consent_share_with_employers", "consent_contact")  # fmt: skip
        return {k: self.cleaned_data[k] for k in names}


STEP_FORMS: dict[int, type[forms.Form]] = {1: BasicForm, 2: PlaceForm, 3: SkillsForm, 4: WishesForm}

# Which step shows a field the services or the API serializer may complain about.
_STEP_OF_FIELD = {
    "name": 1, "mobile": 1, "gender": 1, "id_number": 1, "current_division": 2, "hukou_division": 2,
    "preferred_divisions": 2, "wants_work_near_home": 2, "max_commute_km": 2, "willing_to_relocate": 2,
    "skills": 3, "certificates": 3,
}  # fmt: skip
# Fields of the profile shown under another name in the form.
FORM_FIELD = {"current_division": "current_county", "hukou_division": "hukou_county"}


def step_of(field: str) -> int:
    return _STEP_OF_FIELD.get(field.split(".")[0], 4)


def form_field(field: str) -> str:
    """`certificates.1.level` → `cert_level_1`; `skills.0.skill` → `skill_0`; others as named."""
    parts = field.split(".")
    if parts[0] in ("skills", "certificates") and len(parts) >= 2 and parts[1].isdigit():
        if parts[0] == "skills":
            return f"{'years' if parts[-1] == 'years' else 'skill'}_{parts[1]}"
        return f"{'cert_level' if parts[-1] == 'level' else 'cert'}_{parts[1]}"
    return FORM_FIELD.get(field, field)
