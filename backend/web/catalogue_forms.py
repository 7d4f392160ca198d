"""What the providers' program forms and the postings forms share.

Field types, lengths and choices come from the models; every rule beyond them (online courses
need a link, wage ranges, certificate levels...) is the services', whose errors come back beside
the same fields (shared.run_service). Skills are typed as names or synonyms and resolved the
way the spreadsheet import resolves them, which is easier on a phone than a 600-item list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from backend.imports.coerce import CellError, as_list
from backend.imports.lookups import Lookups, Unresolved
from backend.occupations.models import Skill

from .catalogue_selectors import county_choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


def offer_counties(field: forms.Field, *, user: Any) -> None:
    """A county select: the counties the user may place a program or posting in, with their city."""
    field.queryset = county_choices(user=user)  # type: ignore[attr-defined]
    field.label_from_instance = _county_label  # type: ignore[attr-defined]
