"""Forms of the staff pages. The services validate again (and own the rules); these forms give
each problem a place beside its control and keep what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import MatchingRun, Suggestion
from matching.services.review import BULK_REVIEW_LIMIT, NOTE_MAX

DECISIONS = (("approve", _("通过")), ("reject", _("驳回")))
REASONS = (("", _("(驳回时选择原因)")), *Suggestion.ReasonCode.choices)


def _county_choices(counties: Any) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in counties]


class QueueFilterForm(forms.Form):
    county = forms.ChoiceField(label=_("区县"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=(("", _("全部")), *Suggestion.Kind.choices)
    )
    min_score = forms.FloatField(label=_("最低匹配分"), required=False, min_value=0)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=Suggestion.Status.choices)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, counties: Any) -> None:
        super().__init__(data)
        self.fields["county"].choices = [("", _("全部辖区")), *_county_choices(counties)]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; pending by default."""
        data = self.cleaned_data
        return {
            "county": data.get("county") or None,
            "kind": data.get("kind") or None,
            "min_score": data.get("min_score"),
            "status": data.get("status") or Suggestion.Status.PENDING,
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=DECISIONS, widget=forms.RadioSelect)
    reason_code = forms.ChoiceField(label=_("驳回原因"), choices=REASONS, required=False)
    note = forms.CharField(
        label=_("备注(可选)"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnnotateForm(forms.Form):
    note = forms.CharField(
        label=_("备注"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写备注。")},
    )


class BulkReviewForm(ReviewForm):
    ids = forms.TypedMultipleChoiceField(
        label=_("选中的建议"),
        coerce=int,
        error_messages={"required": _("请先勾选要审核的建议。")},
    )

    def __init__(self, data: Any, *, ids: list[int]) -> None:
        super().__init__(data, auto_id="bulk-%s")
        # Any visible id; the service checks each one again and refuses the whole batch on a problem.
        self.fields["ids"].choices = [(pk, pk) for pk in ids]  # type: ignore[attr-defined]

    def clean_ids(self) -> list[int]:
        ids = self.cleaned_data["ids"]
        if len(ids) > BULK_REVIEW_LIMIT:
            raise forms.ValidationError(_("一次最多审核%(n)s条。") % {"n": BULK_REVIEW_LIMIT})
        return ids


class RunStartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("匹配类型"),
        choices=MatchingRun.Kind.choices,
        initial=MatchingRun.Kind.BOTH,
        widget=forms.RadioSelect,
    )
    county_codes = forms.MultipleChoiceField(
        label=_("区县(不选即本中心全部辖区)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data: Any = None, *, counties: Any) -> None:
        super().__init__(data, auto_id="run-%s")
        self.fields["county_codes"].choices = _county_choices(counties)  # type: ignore[attr-defined]


class DashboardForm(forms.Form):
    county = forms.ChoiceField(label=_("区县"), required=False)
    months = forms.TypedChoiceField(
        label=_("时间范围"),
        coerce=int,
        required=False,
        empty_value=12,  # type: ignore[arg-type]  # an int, like the coerced choices
        choices=((6, _("近6个月")), (12, _("近12个月")), (24, _("近24个月"))),
    )

    def __init__(self, data: Any, *, counties: Any) -> None:
        data = data.copy()
        data.setdefault("months", "12")  # so the select shows the range used
        super().__init__(data)
        self.fields["county"].choices = [("", _("全部辖区")), *_county_choices(counties)]  # type: ignore[attr-defined]
