"""The filters of the audit log page; bad values are shown beside their field (a 400 page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.audit import selectors
from backend.audit.models import Entry


class EntryFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    event = forms.ChoiceField(label=_("事件"), required=False)
    target_type = forms.ChoiceField(label=_("对象类型"), required=False)
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["event"].choices = [("", _("全部")), *Entry.Event.choices]  # type: ignore[attr-defined]
        self.fields["target_type"].choices = [("", _("全部")), *selectors.target_type_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments."""
        data = self.cleaned_data
        return {key: data.get(key) or None for key in ("date_from", "date_to")} | {
            key: data.get(key) or "" for key in ("actor", "event", "target_type")
        }
