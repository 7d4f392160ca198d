"""Forms of the public pages. The search form validates with the API's SearchParams, so a page and
an API call accept and refuse exactly the same parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from search.params import SearchParams
from search.query import SearchQuery
from training.models import Session

from ..shared import drf_messages

# The page's parameters; anything else in the URL is ignored rather than passed on.
SEARCH_FIELDS = (
    "q", "kind", "division", "brand", "occupation", "delivery", "wage_floor", "free", "lodging", "meals",
    "social_insurance", "start_from", "start_to", "near", "radius_km", "sort", "page",
)  # fmt: skip
# Names for the error summary, which lists every problem above the form.
FIELD_LABELS = {
    "q": _("搜索词"), "kind": _("结果类型"), "division": _("城市或区县"), "brand": _("培训品牌"),
    "occupation": _("职业(工种)"), "delivery": _("授课方式"), "wage_floor": _("月薪不低于(元)"),
    "start_from": _("开班日期从"), "start_to": _("开班日期到"), "near": _("起点"), "radius_km": _("距离范围"),
    "sort": _("排序"), "page": _("页码"),
}  # fmt: skip


class SearchForm:
    """What the user typed, the validated query, and error messages keyed by field."""

    def __init__(self, data: QueryDict) -> None:
        self.data = QueryDict(mutable=True)
        for name in SEARCH_FIELDS:
            values = [v for v in data.getlist(name) if v.strip()]
            if values:
                self.data.setlist(name, values)
        self.params = SearchParams(data=self.data)
        self.is_valid = self.params.is_valid()
        self.errors: dict[str, list[str]] = {
            name: drf_messages(detail) for name, detail in (self.params.errors or {}).items()
        }

    @property
    def summary(self) -> list[tuple[str, str, str]]:
        """(field, label, message) for each problem, in the order of the fields."""
        return [
            (name, str(FIELD_LABELS.get(name, name)), message)
            for name in (*SEARCH_FIELDS, *sorted(set(self.errors) - set(SEARCH_FIELDS)))
            for message in self.errors.get(name, [])
        ]

    def query(self) -> SearchQuery:
        return self.params.to_query()

    @property
    def kind(self) -> str:
        value = self.data.get("kind", "all")
        return value if value in ("all", "job", "training") else "all"

    def value(self, name: str) -> str:
        return self.data.get(name, "")

    def values(self, name: str) -> list[str]:
        """Every value of a multi-valued field, commas split like the API does."""
        return [part for raw in self.data.getlist(name) for part in raw.split(",") if part]

    def checked(self, name: str) -> bool:
        return self.value(name).lower() in ("true", "1", "on", "yes")

    @property
    def flags(self) -> dict[str, bool]:
        """The yes/no filters, for ticking their checkboxes again."""
        return {name: self.checked(name) for name in ("free", "lodging", "meals", "social_insurance")}

    @property
    def filtered(self) -> bool:
        """Any filter beyond the text and the tab (the filter panel then starts open)."""
        return any(name not in ("q", "kind", "page", "sort") for name in self.data)


class ApplyForm(forms.Form):
    note = forms.CharField(
        label=_("给用人单位的留言(可选)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EnrolForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("选择开班"),
        queryset=Session.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择要报名的开班。"), "invalid_choice": _("该开班不可报名。")},
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
