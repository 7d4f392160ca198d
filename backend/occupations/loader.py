"""Load the curated occupation taxonomy (data/taxonomy.yaml) into Occupation, Skill and CertificateType.

Rows are matched by slug and inserted or updated in one transaction with bulk queries; running the
loader twice changes nothing. Entries removed from the file are left in the database (other rows may
point at them). The file is validated first and every problem is reported at once, naming the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.utils import timezone

from backend.text.pinyin import search_terms

from .models import Brand, CertificateType, Occupation, OccupationRelation, Skill

_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 3x faster

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "taxonomy.yaml"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_KEYS = {"occupations", "skills", "certificate_types", "occupation_relations"}
_RELATION_KINDS = set(OccupationRelation.Kind.values)
_OCCUPATION_KEYS = {
    "slug",
    "name",
    "brand",
    "category",
    "national_code",
    "aliases",
    "description",
    "skills",
    "also_skills",
}
_SKILL_KEYS = {"slug", "name", "aliases", "category", "plain"}
_TOP_SKILL_KEYS = _SKILL_KEYS | {"occupations"}
_CERTIFICATE_KEYS = {"slug", "name", "kind", "occupation", "has_levels", "aliases"}


@dataclass
class _Entry:
    """One row to upsert: `values` holds model attnames (slug, name, aliases, ... search_terms)."""

    where: str
    values: dict[str, Any]

    @property
    def slug(self) -> str:
        return self.values["slug"]

    @property
    def name(self) -> str:
        return self.values["name"]

    @property
    def aliases(self) -> list[str]:
        return self.values["aliases"]

    @property
    def label(self) -> str:
        return f"{self.slug!r} ({self.name})"


@dataclass
class Taxonomy:
    """The validated content of a taxonomy file."""

    occupations: list[_Entry] = field(default_factory=list)
    skills: list[_Entry] = field(default_factory=list)
    certificate_types: list[_Entry] = field(default_factory=list)
    links: set[tuple[str, str]] = field(default_factory=set)  # (skill slug, occupation slug)
    certificate_occupations: dict[str, str] = field(
        default_factory=dict
    )  # certificate slug -> occupation slug
    relations: dict[tuple[str, str], str] = field(default_factory=dict)  # (from, to) slugs -> kind

    @property
    def synonym_count(self) -> int:
        return sum(len(e.aliases) for e in (*self.occupations, *self.skills, *self.certificate_types))


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []
        self.taxonomy = Taxonomy()

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    # ── scalar fields ──
    def _mapping(self, raw: Any, where: str, allowed: set[str]) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.error(where, f"expected a mapping with keys {sorted(allowed)}, got {type(raw).__name__}")
            return None
        unknown = sorted(str(k) for k in raw if k not in allowed)
        if unknown:
            self.error(where, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
        return raw

    def _text(self, raw: dict, key: str, where: str, *, required: bool = False, max_length: int = 64) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.error(where, f"'{key}' is required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(where, f"'{key}' must be text, got {value!r}")
            return ""
        text = str(value).strip()
        if required and not text:
            self.error(where, f"'{key}' must not be empty")
        if len(text) > max_length:
            self.error(where, f"'{key}' is longer than {max_length} characters: {text!r}")
        return text

    def _slug(self, raw: dict, where: str) -> str:
        slug = self._text(raw, "slug", where, required=True)
        if slug and not _SLUG.match(slug):
            self.error(where, f"slug {slug!r} must be lowercase letters, digits and single hyphens")
        return slug

    def _slug_list(self, raw: dict, key: str, where: str) -> list[str]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(where, f"'{key}' must be a list of slugs, got {value!r}")
            return []
        return [v.strip() for v in value]

    def _aliases(self, raw: dict, name: str, where: str) -> list[str]:
        value = raw.get("aliases") or []
        if not isinstance(value, list):
            self.error(where, f"'aliases' must be a list, got {value!r}")
            return []
        aliases: list[str] = []
        seen = {name.casefold()}
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.error(where, f"alias {item!r} must be text (quote it in the YAML file)")
                continue
            alias = str(item).strip()
            if alias and alias.casefold() not in seen:
                seen.add(alias.casefold())
                aliases.append(alias)
        return aliases

    def _entry(self, where: str, slug: str, name: str, aliases: list[str], **values: Any) -> _Entry:
        where = f"{where} {slug or '?'} ({name or '?'})"
        return _Entry(where, {"slug": slug, "name": name, "aliases": aliases, **values})

    # ── sections ──
    def parse(self, data: Any) -> Taxonomy:
        if not isinstance(data, dict) or not isinstance(data.get("occupations"), list):
            self.error(self.source, "the file must be a mapping with an 'occupations' list")
            self.raise_if_errors()
        self._mapping(data, self.source, _TOP_KEYS)
        for index, raw in enumerate(data["occupations"]):
            self._occupation(raw, f"occupations[{index}]")
        for index, raw in enumerate(data.get("skills") or []):
            self._top_skill(raw, f"skills[{index}]")
        for index, raw in enumerate(data.get("certificate_types") or []):
            self._certificate(raw, f"certificate_types[{index}]")
        for index, raw in enumerate(data.get("occupation_relations") or []):
            self._relation(raw, f"occupation_relations[{index}]")
        self._check_table("occupation", self.taxonomy.occupations)
        self._check_table("skill", self.taxonomy.skills)
        self._check_table("certificate type", self.taxonomy.certificate_types)
        self._check_references()
        self.raise_if_errors()
        return self.taxonomy

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValueError(f"invalid taxonomy {self.source}:\n  " + "\n  ".join(self.errors))

    def _occupation(self, raw: Any, where: str) -> None:
        if self._mapping(raw, where, _OCCUPATION_KEYS) is None:
            return
        slug, name = self._slug(raw, where), self._text(raw, "name", where, required=True)
        brand = self._text(raw, "brand", where) or Brand.GENERAL
        if brand not in Brand.values:
            self.error(where, f"brand {brand!r} is not one of {Brand.values}")
        category = self._text(raw, "category", where)
        entry = self._entry(
            "occupation",
            slug,
            name,
            self._aliases(raw, name, where),
            brand=brand,
            category=category,
            national_code=self._text(raw, "national_code", where, max_length=32),
            description=self._text(raw, "description", where, max_length=10_000),
        )
        self.taxonomy.occupations.append(entry)
        skills = raw.get("skills") or []
        if not isinstance(skills, list):
            self.error(entry.where, "'skills' must be a list")
            skills = []
        for index, skill in enumerate(skills):
            skill_slug = self._skill(
                skill, f"{where}.skills[{index}]", _SKILL_KEYS, default_category=category
            )
            if skill_slug:
                self.taxonomy.links.add((skill_slug, slug))
        for skill_slug in self._slug_list(raw, "also_skills", entry.where):
            self.taxonomy.links.add((skill_slug, slug))

    def _relation(self, raw: Any, where: str) -> None:
        """[from slug, to slug, kind]: one pair, once in either direction."""
        if not (isinstance(raw, list) and len(raw) == 3 and all(isinstance(v, str) for v in raw)):
            self.error(where, "expected [from occupation slug, to occupation slug, next_step|neighbour]")
            return
        source, target, kind = raw
        if kind not in _RELATION_KINDS:
            self.error(where, f"kind {kind!r} is not one of {sorted(_RELATION_KINDS)}")
        if source == target:
            self.error(where, f"relates {source!r} to itself")
        elif (source, target) in self.taxonomy.relations or (target, source) in self.taxonomy.relations:
            self.error(where, f"{source!r} and {target!r} are related twice")
        else:
            self.taxonomy.relations[(source, target)] = kind

    def _skill(self, raw: Any, where: str, allowed: set[str], default_category: str = "") -> str:
        if self._mapping(raw, where, allowed) is None:
            return ""
        slug, name = self._slug(raw, where), self._text(raw, "name", where, required=True)
        entry = self._entry(
            "skill",
            slug,
            name,
            self._aliases(raw, name, where),
            category=self._text(raw, "category", where) or default_category,
            plain=self._text(raw, "plain", where),
        )
        self.taxonomy.skills.append(entry)
        return slug

    def _top_skill(self, raw: Any, where: str) -> None:
        slug = self._skill(raw, where, _TOP_SKILL_KEYS)
        if slug:
            for occupation_slug in self._slug_list(raw, "occupations", where):
                self.taxonomy.links.add((slug, occupation_slug))

    def _certificate(self, raw: Any, where: str) -> None:
        if self._mapping(raw, where, _CERTIFICATE_KEYS) is None:
            return
        slug, name = self._slug(raw, where), self._text(raw, "name", where, required=True, max_length=96)
        kind = self._text(raw, "kind", where, required=True)
        if kind and kind not in CertificateType.Kind.values:
            self.error(where, f"kind {kind!r} is not one of {CertificateType.Kind.values}")
        has_levels = raw.get("has_levels", kind == CertificateType.Kind.SKILL_LEVEL)
        if not isinstance(has_levels, bool):
            self.error(where, f"'has_levels' must be true or false, got {has_levels!r}")
        entry = self._entry(
            "certificate type",
            slug,
            name,
            self._aliases(raw, name, where),
            kind=kind,
            has_levels=has_levels is True,
        )
        self.taxonomy.certificate_types.append(entry)
        occupation = self._text(raw, "occupation", where)
        if occupation:
            self.taxonomy.certificate_occupations[slug] = occupation

    # ── cross-entry checks ──
    def _check_table(self, table: str, entries: list[_Entry]) -> None:
        slugs: dict[str, _Entry] = {}
        names: dict[str, _Entry] = {}
        for entry in entries:
            if entry.slug in slugs:
                self.error(
                    entry.where,
                    f"duplicate {table} slug {entry.slug!r}, also used by {slugs[entry.slug].where}",
                )
            slugs.setdefault(entry.slug, entry)
            key = entry.name.casefold()
            if key in names:
                self.error(
                    entry.where, f"duplicate {table} name {entry.name!r}, also used by {names[key].where}"
                )
            names.setdefault(key, entry)
        owners: dict[str, _Entry] = {}
        for entry in entries:
            for alias in entry.aliases:
                key = alias.casefold()
                named = names.get(key)
                if named is not None and named is not entry:
                    self.error(
                        entry.where, f"{table} alias {alias!r} is the name of another {table}, {named.where}"
                    )
                elif key in owners and owners[key] is not entry:
                    self.error(
                        entry.where,
                        f"{table} alias {alias!r} is used by two different entries: {owners[key].where} and this one",
                    )
                owners.setdefault(key, entry)

    def _check_references(self) -> None:
        occupations = {e.slug for e in self.taxonomy.occupations}
        skills = {e.slug for e in self.taxonomy.skills}
        for skill_slug, occupation_slug in sorted(self.taxonomy.links):
            if skill_slug not in skills:
                self.error(
                    f"occupation {occupation_slug}", f"'also_skills' names unknown skill slug {skill_slug!r}"
                )
            if occupation_slug not in occupations:
                self.error(f"skill {skill_slug}", f"references unknown occupation slug {occupation_slug!r}")
        for source, target in sorted(self.taxonomy.relations):
            for slug in (source, target):
                if slug not in occupations:
                    self.error(
                        f"occupation_relations {source} → {target}", f"unknown occupation slug {slug!r}"
                    )
        for certificate_slug, occupation_slug in sorted(self.taxonomy.certificate_occupations.items()):
            if occupation_slug not in occupations:
                self.error(
                    f"certificate type {certificate_slug}",
                    f"references unknown occupation slug {occupation_slug!r}",
                )


def parse_taxonomy(data: Any, source: str = "taxonomy") -> Taxonomy:
    """Validate parsed YAML; raises ValueError listing every problem found."""
    return _Parser(source).parse(data)


def read_taxonomy(path: Path | str | None = None) -> Taxonomy:
    path = Path(path) if path else DEFAULT_PATH
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)  # a safe loader
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid taxonomy {path}: not valid YAML: {exc}") from exc
    return parse_taxonomy(data, source=str(path))


@dataclass
class _Counter:
    created: int = 0
    updated: int = 0


def _upsert(model: type[models.Model], entries: Iterable[_Entry], counter: _Counter) -> dict[str, int]:
    """Insert or update rows by slug with bulk queries; returns {slug: id} for the given entries."""
    entries = list(entries)
    fields = [f for f in entries[0].values if f != "slug"] if entries else []
    existing: dict[str, Any] = {obj.slug: obj for obj in model._default_manager.all()}  # type: ignore[attr-defined]
    file_slugs = {e.slug for e in entries}

    held_by = {obj.name: slug for slug, obj in existing.items()}
    clashes = [
        f"{e.where}: name {e.name!r} is already used by {model._meta.verbose_name} {held_by[e.name]!r} "
        "in the database, which the file no longer lists (rename or remove that row first)"
        for e in entries
        if held_by.get(e.name, e.slug) not in file_slugs
    ]
    if clashes:
        raise ValueError("cannot load taxonomy:\n  " + "\n  ".join(clashes))

    now = timezone.now()
    to_create, to_update, renamed = [], [], []
    for entry in entries:
        obj = existing.get(entry.slug)
        if obj is None:
            to_create.append(model(**entry.values))
            continue
        if any(getattr(obj, f) != entry.values[f] for f in fields):
            if obj.name != entry.name:
                renamed.append(obj)
            for f in fields:
                setattr(obj, f, entry.values[f])
            obj.updated_at = now
            to_update.append(obj)
    if any(held_by.get(obj.name, obj.slug) != obj.slug for obj in renamed):
        # A name moves to another row (e.g. two names swapped): the unique index is checked row by row,
        # so free the old names first. Rare, hence one query per renamed row.
        for obj in renamed:
            model._default_manager.filter(pk=obj.pk).update(name=f"~{obj.pk}")
    if to_update:
        model._default_manager.bulk_update(to_update, [*fields, "updated_at"], batch_size=200)
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=200)
    counter.created += len(to_create)
    counter.updated += len(to_update)
    return {slug: pk for slug, pk in model._default_manager.values_list("slug", "pk") if slug in file_slugs}


def _sync_links(taxonomy: Taxonomy, skill_ids: dict[str, int], occupation_ids: dict[str, int]) -> None:
    """Skill<->occupation links between entries of the file become exactly what the file says."""
    through = Skill.occupations.through
    wanted = {(skill_ids[s], occupation_ids[o]) for s, o in taxonomy.links}
    skills, occupations = set(skill_ids.values()), set(occupation_ids.values())
    current = {
        (skill_id, occupation_id): pk
        for pk, skill_id, occupation_id in through.objects.values_list("pk", "skill_id", "occupation_id")
        if skill_id in skills and occupation_id in occupations
    }
    through.objects.bulk_create(
        [through(skill_id=s, occupation_id=o) for s, o in sorted(wanted - current.keys())], batch_size=500
    )
    stale = [pk for key, pk in current.items() if key not in wanted]
    if stale:
        through.objects.filter(pk__in=stale).delete()


def _sync_relations(taxonomy: Taxonomy, occupation_ids: dict[str, int]) -> None:
    """Relations between occupations of the file become exactly what the file says."""
    wanted = {(occupation_ids[a], occupation_ids[b]): kind for (a, b), kind in taxonomy.relations.items()}
    ids = set(occupation_ids.values())
    current = {
        (r.source_id, r.target_id): r
        for r in OccupationRelation.objects.filter(source__in=ids, target__in=ids)
    }
    OccupationRelation.objects.bulk_create(
        [
            OccupationRelation(source_id=a, target_id=b, kind=k)
            for (a, b), k in sorted(wanted.items())
            if (a, b) not in current
        ]
    )
    changed = [r for key, r in current.items() if key in wanted and r.kind != wanted[key]]
    for r in changed:
        r.kind = wanted[(r.source_id, r.target_id)]
    OccupationRelation.objects.bulk_update(changed, ["kind"])
    stale = [r.pk for key, r in current.items() if key not in wanted]
    if stale:
        OccupationRelation.objects.filter(pk__in=stale).delete()


def load_taxonomy(path: Path | None = None) -> dict[str, int]:
    """Upsert the taxonomy file (default: data/taxonomy.yaml) and return counts of what it holds.

    Keys: occupations, skills, synonyms (aliases of all three tables), certificate_types, and
    created / updated (rows written by this run; both 0 when nothing changed).
    """
    taxonomy = read_taxonomy(path)
    for entry in (*taxonomy.occupations, *taxonomy.skills, *taxonomy.certificate_types):
        entry.values["search_terms"] = search_terms(entry.name, entry.aliases)
    counter = _Counter()
    with transaction.atomic():
        occupation_ids = _upsert(Occupation, taxonomy.occupations, counter)
        skill_ids = _upsert(Skill, taxonomy.skills, counter)
        for entry in taxonomy.certificate_types:
            occupation = taxonomy.certificate_occupations.get(entry.slug)
            entry.values["occupation_id"] = occupation_ids[occupation] if occupation else None
        _upsert(CertificateType, taxonomy.certificate_types, counter)
        _sync_links(taxonomy, skill_ids, occupation_ids)
        _sync_relations(taxonomy, occupation_ids)
    return {
        "occupations": len(taxonomy.occupations),
        "skills": len(taxonomy.skills),
        "synonyms": taxonomy.synonym_count,
        "certificate_types": len(taxonomy.certificate_types),
        "occupation_relations": len(taxonomy.relations),
        "created": counter.created,
        "updated": counter.updated,
    }
