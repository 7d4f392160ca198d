"""The database reads behind the shared analyzer: the domain words and the synonym groups.

The models are imported inside each function, so importing backend.text (as matching.core does)
loads no Django.
"""

from __future__ import annotations

from .dictionary import dictionary_words, division_words


def build_synonym_groups() -> list[list[str]]:
    """[name, *aliases] of each taxonomy entry that has aliases (occupations, skills, certificates)."""
    from backend.occupations.selectors import synonym_groups

    return synonym_groups()


def build_user_dictionary() -> list[str]:
    """Every taxonomy name and alias and every division name and unambiguous short form (3 queries)."""
    from django.db import models

    from backend.occupations.models import CertificateType, Occupation, Skill
    from backend.regions.models import Division

    terms: list[str] = []
    model: type[models.Model]
    for model in (Occupation, Skill, CertificateType):
        for name, aliases in model._default_manager.values_list("name", "aliases"):
            terms.append(name)
            terms.extend(a for a in aliases or () if isinstance(a, str))
    divisions = Division.objects.values_list("name", flat=True)
    return dictionary_words([*terms, *division_words(divisions)])
