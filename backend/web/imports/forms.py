"""The upload form of /manage/imports/: the kinds offered are those the import service lets the
role import (backend.imports.policies.KIND_ROLES)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.imports.models import ImportJob
from backend.imports.policies import KIND_ROLES

# The kinds' names in the page's language (ImportJob.Kind's labels are not translated).
KIND_LABELS = {
    "programs": _("培训项目"), "sessions": _("开班"), "postings": _("招聘岗位"), "workers": _("劳动者"),
    "employers": _("用人单位"), "providers": _("培训机构"),
}  # fmt: skip


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
    """The kinds this role may import (the import policy's KIND_ROLES), in the model's order."""
    return [(value, KIND_LABELS[value]) for value in ImportJob.Kind.values if role in KIND_ROLES[value]]
