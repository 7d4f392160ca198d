"""Validate every row of a table against a kind's schema, then write all rows or none.

The generic reader/validator/writer; each kind's own rules are in `importers/<kind>.py`, where
they call the same policies and domain checks as the services.

Two passes over the rows, with a fixed number of queries however many rows there are:
1. parse each cell (types, choices, taxonomy and divisions from `Lookups`), required cells,
   duplicate external ids; collect the external ids the file names;
2. load the existing rows and the referenced rows by external id (chunked IN queries), then per
   row: resolve references, set the fields on a new or existing instance, check the actor's
   rights (the kind's policies), run the model's own validation (`full_clean`) and the domain
   checks the services make.
Only when no row has an error are the rows written, in one transaction, with bulk statements.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.policies import role_of
from backend.common import bulk
from backend.common.errors import ValidationFailed
from backend.common.validators import (
    normalise_credit_code,
    normalise_id_number,
    normalise_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)
from backend.occupations.models import CertificateType
from backend.regions.coordinates import fill_coordinates
from search.query import Kind
from search.sync import enqueue_refresh

from . import coerce
from .lookups import Lookups, Unresolved, fetch_by
from .readers import Table
from .schemas import KIND_NOUNS, Column, KindSchema

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Told how far an import is: (stage, rows done, rows in all); 0 in all while the file is read.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    pass


# Django's own codes for an empty required value, reported as the one code `required`.
_REQUIRED_CODES = {"blank", "null", "required"}


@dataclass
class RowError:
    # Text, not a lazy translation: rendered when recorded, and `import_file` records in zh-hans (the
    # default language, also a Celery worker's) whoever asks, so stored reports are Chinese text.
    row: int | None  # None for an error about the whole file
    column: str  # the header as written in the file ("" when the error is about the row or file)
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    filename: str = ""
    row_count: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    notices: list[str] = field(default_factory=list)  # the reader's (e.g. where blank rows ended it)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filename": self.filename,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "row_count": self.row_count,
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
            "notices": list(self.notices),
        }


@dataclass
class RowPlan:
    number: int
    values: dict[str, Any]  # field -> parsed value (None or [] when the cell is blank)
    external_id: str = ""
    errors: list[RowError] = field(default_factory=list)
    error_fields: set[str] = field(default_factory=set)
    instance: Any = None
    original: Any = None  # a copy of the existing row before the file changed it (None if new)
    is_new: bool = True
    m2m: dict[str, list[Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


class Importer:
    """Imports one table of one kind for one actor. Subclasses add the kind's own rules."""

    schema: ClassVar[KindSchema]
    select_related: ClassVar[tuple[str, ...]] = ()
    # kind referenced by a "ref" column -> the rows it may name (only the fields the rules read)
    ref_querysets: ClassVar[dict[str, Callable[[], Any]]] = {}

    def __init__(
        self, *, actor: Any, lookups: Lookups | None = None, progress: Progress | None = None
    ) -> None:
        self.actor = actor
        self.progress = progress or no_progress
        self.role = role_of(actor)
        self.lookups = lookups or Lookups()
        self.header_of: dict[str, str] = {}  # field -> header as written
        self.columns: dict[str, Column] = {}  # header as written -> column
        self.refs: dict[str, dict[str, Any]] = {}  # kind -> {external_id: object}
        self.existing: dict[str, Any] = {}
        self.now = timezone.now()
        model = self.schema.model
        self.relation_fields = [f.name for f in model._meta.get_fields() if f.is_relation]
        self.m2m_fields = {f.name for f in model._meta.many_to_many}

    # --- entry point ------------------------------------------------------------------------
    def run(
        self,
        table: Table,
        *,
        filename: str = "",
        dry_run: bool = False,
        guard: Callable[[], None] | None = None,
    ) -> ImportResult:
        """`guard` is called inside the writing transaction, before it commits: it raises to write
        nothing (an import job's executor that lost its lease)."""
        result = ImportResult(self.schema.kind, filename, row_count=len(table.rows), dry_run=dry_run)
        result.notices = list(table.notices)
        result.errors = self.check_headers(table)
        if result.errors:
            return result
        if not table.rows:
            result.errors.append(RowError(None, "", "no_rows", _("文件中没有数据行。")))
            return result
        plans = self.plan_rows(table)
        result.errors = _errors_in_column_order(plans, table.headers)
        result.created = sum(1 for p in plans if p.is_new)
        result.updated = len(plans) - result.created
        if result.errors or dry_run:
            return result
        self.write_all(plans, result, guard)
        return result

    def plan_rows(self, table: Table) -> list[RowPlan]:
        """Both passes: every row parsed, resolved, authorised and validated (nothing written)."""
        plans = [self.parse_row(raw.number, raw.cells, raw.error) for raw in table.rows]
        self.check_duplicates(
            plans, "external_id", "duplicate_external_id", _(_("外部编号「{value}」与第{row}行重复。"))
        )
        self.prefetch(plans)
        total = len(plans)
        for done, plan in enumerate(plans, start=1):
            if not (plan.errors and "external_id" in plan.error_fields):
                self.build(plan)
            self.progress("checking", done, total)
        self.check_across_rows(plans)
        return plans

    def write_all(
        self, plans: list[RowPlan], result: ImportResult, guard: Callable[[], None] | None = None
    ) -> None:
        """Write every row in one transaction; a conflicting concurrent write becomes a file error."""
        self.progress("writing", len(plans), len(plans))
        try:
            with transaction.atomic():
                self.write(plans)
                if guard is not None:
                    guard()
        except IntegrityError as exc:
            logger.warning("import %s: integrity error while writing: %s", self.schema.kind, exc)
            result.errors.append(
                RowError(None, "", "conflict", _("导入期间数据被其他操作修改,未写入任何数据,请重新导入。"))
            )

    # --- headers ----------------------------------------------------------------------------
    def check_headers(self, table: Table) -> list[RowError]:
        errors: list[RowError] = []
        unknown: list[str] = []
        for header in table.headers:
            if not header:
                continue
            column = self.schema.column_for(header)
            if column is None:
                unknown.append(header)
            elif column.field in self.header_of:
                errors.append(
                    RowError(
                        None,
                        header,
                        "duplicate_column",
                        _("列「{header}」与列「{other}」是同一字段({field}),请只保留一列。").format(
                            header=header, other=self.header_of[column.field], field=column.field
                        ),
                    )
                )
            else:
                self.header_of[column.field] = header
                self.columns[header] = column
        if unknown:
            names = "、".join(unknown)
            errors.append(
                RowError(
                    None,
                    names,
                    "unknown_columns",
                    _("无法识别的列:{names}。请对照导入模板检查列名。").format(names=names),
                )
            )
        missing = [c.header for c in self.schema.required if c.field not in self.header_of]
        if missing:
            names = "、".join(missing)
            errors.append(
                RowError(None, names, "missing_columns", _("缺少必填列:{names}。").format(names=names))
            )
        if table.unlabelled_data:
            errors.append(
                RowError(None, "", "unlabelled_column", _("有数据的列缺少表头,请在第1行填写列名。"))
            )
        return errors

    # --- pass 1 -----------------------------------------------------------------------------
    def parse_row(self, number: int, cells: dict[str, Any], read_error: tuple[str, str] | None) -> RowPlan:
        plan = RowPlan(number, {})
        if read_error:
            plan.errors.append(RowError(number, "", *read_error))
            plan.error_fields.add("external_id")  # nothing else can be checked on this row
            return plan
        for header, raw in cells.items():
            column = self.columns.get(header)
            if column is None:
                continue  # the header was reported already
            if coerce.is_blank(raw):
                plan.values[column.field] = [] if column.is_list else None
                continue
            try:
                plan.values[column.field] = self.parse_cell(column, raw, plan)
            except coerce.CellError as exc:
                self.add_error(plan, column.field, exc.code, exc.message)
            except Unresolved as exc:
                self.add_error(plan, column.field, exc.code, exc.message)
            except ValidationError as exc:
                for error in exc.error_list:
                    self.add_error(plan, column.field, error.code or "invalid", _message(error))
            except _AlreadyReported:
                pass
        for column in self.schema.required:
            if column.field in plan.error_fields:
                continue
            value = plan.values.get(column.field)
            if value is None or value == []:
                self.add_error(
                    plan,
                    column.field,
                    "required",
                    _("请填写「{header}」。").format(header=self.header(column.field)),
                )
        plan.external_id = plan.values.get("external_id") or ""
        return plan

    def parse_cell(self, column: Column, raw: Any, plan: RowPlan) -> Any:
        kind = column.type
        simple = _CELL_PARSERS.get(kind)
        if simple is not None:
            return simple(raw)
        if kind == "choice":
            assert column.choices is not None
            return _choice_index(column.choices).resolve(raw)
        if kind in ("division", "occupation", "certificate_type"):
            return self.index_for(kind).resolve(coerce.as_text(raw))
        if kind in ("divisions", "occupations", "skills"):
            return self.resolve_many(column, self.index_for(kind), coerce.as_list(raw), plan)
        if kind == "certificates":
            return self.parse_certificates(column, coerce.as_list(raw), plan)
        raise ValueError(f"unknown column type {kind}")

    def index_for(self, kind: str) -> Any:
        """The taxonomy index a column type resolves against (each loaded only when first needed)."""
        return getattr(self.lookups, _LOOKUP_OF[kind])

    def resolve_many(self, column: Column, index: Any, items: list[str], plan: RowPlan) -> list[Any]:
        """Every item resolved, or one error per unknown item (naming it); raise none."""
        found: list[Any] = []
        failed = False
        for item in items:
            try:
                obj = index.resolve(item)
            except Unresolved as exc:
                self.add_error(plan, column.field, exc.code, exc.message)
                failed = True
                continue
            if obj not in found:
                found.append(obj)
        if failed:
            raise _AlreadyReported
        return found

    def parse_certificates(
        self, column: Column, items: list[str], plan: RowPlan
    ) -> list[tuple[CertificateType, int | None]]:
        found: dict[int, tuple[CertificateType, int | None]] = {}
        failed = False
        for item in items:
            name, level_text = coerce.split_certificate(item)
            try:
                certificate = self.lookups.certificates.resolve(name)
                level = coerce.as_level(level_text) if level_text else None
            except (Unresolved, coerce.CellError) as exc:
                self.add_error(plan, column.field, exc.code, exc.message)
                failed = True
                continue
            if level is not None and not certificate.has_levels:
                self.add_error(
                    plan,
                    column.field,
                    "certificate_has_no_levels",
                    _("「{name}」不分等级,请勿填写等级。").format(name=certificate.name),
                )
                failed = True
                continue
            found[certificate.pk] = (certificate, level)
        if failed:
            raise _AlreadyReported
        return list(found.values())

    def check_duplicates(self, plans: list[RowPlan], field_name: str, code: str, template: str) -> None:
        seen: dict[Any, int] = {}
        for plan in plans:
            value = plan.values.get(field_name)
            if value in (None, "") or field_name in plan.error_fields:
                continue
            if value in seen:
                shown = value if field_name != "id_number" else _("该身份证号")
                self.add_error(plan, field_name, code, template.format(value=shown, row=seen[value]))
            else:
                seen[value] = plan.number

    # --- pass 2 -----------------------------------------------------------------------------
    def prefetch(self, plans: list[RowPlan]) -> None:
        model = self.schema.model
        queryset = model._default_manager.select_related(*self.select_related)
        self.existing = fetch_by(queryset, "external_id", (p.external_id for p in plans))
        for column in self.schema.columns:
            if column.type == "ref" and column.field in self.header_of:
                keys = (p.values.get(column.field) for p in plans)
                self.refs[column.ref] = fetch_by(self.ref_querysets[column.ref](), "external_id", keys)  # type: ignore[arg-type]

    def ref(self, plan: RowPlan, field_name: str) -> Any:
        """The referenced object, or None (an error is recorded when the reference is unknown)."""
        if field_name in plan.error_fields:
            return None
        key = plan.values.get(field_name)
        if not key:
            return None
        column = self.schema.get(field_name)
        obj = self.refs.get(column.ref, {}).get(key)
        if obj is None:
            noun = KIND_NOUNS[column.ref]
            self.add_error(
                plan,
                field_name,
                f"unknown_{column.ref[:-1]}",
                _("未找到外部编号为「{key}」的{noun}(须先导入{noun})。").format(key=key, noun=noun),
            )
        return obj

    def ref_value(self, plan: RowPlan, field_name: str) -> Any:
        """The already resolved reference of this row (no error recorded, no query)."""
        if field_name in plan.error_fields:
            return None
        column = self.schema.get(field_name)
        return self.refs.get(column.ref, {}).get(plan.values.get(field_name) or "")

    def build(self, plan: RowPlan) -> None:
        existing = self.existing.get(plan.external_id)
        plan.is_new = existing is None
        instance = existing if existing is not None else self.schema.model()
        plan.instance = instance
        plan.original = copy.copy(existing) if existing is not None else None
        self.assign(plan, instance)
        self.prepare(plan, instance)
        self.authorise(plan, instance)
        self.validate(plan, instance)
        self.check_rules(plan, instance)

    def assign(self, plan: RowPlan, instance: Any) -> None:
        model = self.schema.model
        for field_name, value in plan.values.items():
            if field_name in plan.error_fields:
                continue
            column = self.schema.get(field_name)
            if not column.in_model:
                continue
            if column.type == "ref":
                obj = self.ref(plan, field_name)
                if obj is not None:
                    setattr(instance, field_name, obj)
                continue
            if field_name in self.m2m_fields:
                plan.m2m[field_name] = value or []
                continue
            if value is None or value == []:
                model_field = model._meta.get_field(field_name)
                blank_value = _blank_value(model_field, plan.is_new)
                if blank_value is not _KEEP:
                    setattr(instance, field_name, blank_value)
                continue
            setattr(instance, field_name, value)
        publishing = "status" in plan.values and getattr(instance, "status", None) == "published"
        if publishing and instance.published_at is None:
            instance.published_at = self.now

    def prepare(self, plan: RowPlan, instance: Any) -> None:
        """Derived values and defaults (coordinates from the division, brand from the occupation)."""

    def authorise(self, plan: RowPlan, instance: Any) -> None:
        """Row-level rights of the actor (the kind's policies, on `plan.original` and on the
        changed instance); the kind-level right was checked before reading."""

    def validate(self, plan: RowPlan, instance: Any) -> None:
        try:
            instance.full_clean(
                exclude=self.relation_fields, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for field_name, errors in exc.error_dict.items():
                for error in errors:
                    code = error.code or "invalid"
                    if code in _REQUIRED_CODES:
                        code = "required"
                    self.add_error(plan, field_name, code, _message(error), skip_if_reported=True)

    def check_rules(self, plan: RowPlan, instance: Any) -> None:
        """The domain checks the services make (e.g. what a published program needs); each skips
        the cells already in error, and reports a ValidationFailed with `add_domain_errors`."""

    def check_across_rows(self, plans: list[RowPlan]) -> None:
        """Uniqueness across rows and against the database beyond the external id."""

    # --- write ------------------------------------------------------------------------------
    def write(self, plans: list[RowPlan]) -> None:
        model = self.schema.model
        new = [p.instance for p in plans if p.is_new]
        old = [p.instance for p in plans if not p.is_new]
        self.before_write(plans)
        model._default_manager.bulk_create(new, batch_size=BATCH_SIZE)
        _update_many(model, old)
        for name in self.m2m_fields:
            if name in self.header_of:
                self.write_m2m(name, plans)
        self.after_write(plans)
        for kind, ids in self.index_targets(plans):
            enqueue_refresh(kind, ids)  # after commit: the index never sees a rolled-back import

    index_kind: ClassVar[Kind | None] = None  # the search index the imported rows appear in

    def index_targets(self, plans: list[RowPlan]) -> list[tuple[Kind, list[int]]]:
        """Search documents this import changed (none for kinds that are not indexed)."""
        return [(self.index_kind, [p.instance.pk for p in plans])] if self.index_kind else []

    def write_m2m(self, name: str, plans: list[RowPlan]) -> None:
        m2m_field = self.schema.model._meta.get_field(name)
        through = m2m_field.remote_field.through  # type: ignore[union-attr]
        source, target = m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()  # type: ignore[union-attr]
        old_ids = [p.instance.pk for p in plans if not p.is_new]
        for batch in chunks(old_ids):
            through.objects.filter(**{f"{source}__in": batch}).delete()
        links = [
            through(**{f"{source}_id": p.instance.pk, f"{target}_id": obj.pk})
            for p in plans
            for obj in p.m2m.get(name, [])
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def before_write(self, plans: list[RowPlan]) -> None:
        pass

    def after_write(self, plans: list[RowPlan]) -> None:
        pass

    # --- helpers ----------------------------------------------------------------------------
    def header(self, field_name: str) -> str:
        """The header as written in the file, else the template's Chinese header."""
        if field_name in self.header_of:
            return self.header_of[field_name]
        try:
            return self.schema.get(field_name).header
        except KeyError:
            pass
        if field_name == NON_FIELD_ERRORS:
            return ""
        try:
            return str(getattr(self.schema.model._meta.get_field(field_name), "verbose_name", field_name))
        except Exception:
            return field_name

    def add_error(
        self, plan: RowPlan, field_name: str, code: str, message: str, *, skip_if_reported: bool = False
    ) -> None:
        if skip_if_reported and field_name in plan.error_fields:
            return
        plan.errors.append(RowError(plan.number, self.header(field_name), code, message))
        if not skip_if_reported:
            plan.error_fields.add(field_name)

    def add_domain_errors(self, plan: RowPlan, exc: ValidationFailed) -> None:
        """A domain check's field errors as row errors (the column of each field)."""
        for field_name, errors in exc.fields.items():
            for error in errors:
                self.add_error(plan, field_name, error["code"], error["message"])

    def authorise_by_county(
        self,
        plan: RowPlan,
        instance: Any,
        *,
        field_name: str,
        can_register: Callable[[Any, Any], bool],
        can_manage: Callable[[Any, Any], bool],
    ) -> None:
        """The rule of the kinds placed in a county (employers, workers), asked of their policies:
        an existing row the actor may not manage is refused; a new row needs `can_register`, a
        changed one `can_manage` again (it must not move out of the staff's counties)."""
        code_field = f"{field_name}_id"
        original = plan.original
        if original is not None and not can_manage(self.actor, original):
            self.refuse_outside_counties(plan, "external_id", getattr(original, code_field))
            return
        code = getattr(instance, code_field)
        if field_name in plan.error_fields or code is None:
            return
        allowed = can_register(self.actor, instance) if plan.is_new else can_manage(self.actor, instance)
        if not allowed:
            self.refuse_outside_counties(plan, field_name, code)

    def refuse_outside_counties(self, plan: RowPlan, field_name: str, code: str) -> None:
        """The row's place (division `code`) is not in the counties the actor's centre covers."""
        division = self.lookups.divisions.by_code.get(code)
        name = division.name if division else code
        self.add_error(
            plan,
            field_name,
            "forbidden_division",
            _("「{name}」不在您所在服务中心的覆盖范围内,不能导入。").format(name=name),
        )

    def fill_coordinates(self, plan: RowPlan, instance: Any, division_field: str) -> None:
        """Take the division's coordinates unless the row gives its own; a row that changes the
        division (or blanks the coordinates) takes the new division's."""
        if plan.values.get("latitude") is not None or plan.values.get("longitude") is not None:
            return
        original = getattr(plan.original, f"{division_field}_id", None)
        changed = division_field in plan.values and getattr(instance, f"{division_field}_id") != original
        fill_coordinates(
            instance,
            division_field,
            replace=changed or "latitude" in plan.values,
            divisions=self.lookups.divisions.by_code,
        )


class _AlreadyReported(Exception):
    """Errors for this cell were added one by one (e.g. each unknown skill)."""


_KEEP = object()


def _blank_value(model_field: Any, is_new: bool) -> Any:
    """What a blank cell sets: None or "" when the field may be empty; else the default for a new
    row and no change for an existing one."""
    if getattr(model_field, "null", False):
        return None
    if isinstance(model_field, models.JSONField):
        return []
    if getattr(model_field, "blank", False) and isinstance(model_field, models.CharField | models.TextField):
        return ""
    if model_field.has_default():
        return model_field.get_default() if is_new else _KEEP
    return None


def _mobile(raw: Any) -> str:
    number = normalise_mobile(coerce.as_text(raw))
    validate_mobile(number)
    return number


def _credit_code(raw: Any) -> str:
    code = normalise_credit_code(coerce.as_text(raw))
    validate_credit_code(code)
    return code


def _id_number(raw: Any) -> str:
    number = normalise_id_number(coerce.as_text(raw))
    validate_id_number(number)
    return number


# Column types parsed from the cell alone (no taxonomy, no other cells).
_CELL_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": coerce.as_text,
    "ref": coerce.as_text,
    "int": coerce.as_int,
    "decimal": coerce.as_decimal,
    "float": coerce.as_float,
    "bool": coerce.as_bool,
    "date": coerce.as_date,
    "level": coerce.as_level,
    "strings": coerce.as_list,
    "mobile": _mobile,
    "credit_code": _credit_code,
    "id_number": _id_number,
}
# Column types resolved against a taxonomy: the `Lookups` index of each.
_LOOKUP_OF = {
    "division": "divisions",
    "divisions": "divisions",
    "occupation": "occupations",
    "occupations": "occupations",
    "skills": "skills",
    "certificate_type": "certificates",
}
_CHOICE_INDEXES: dict[type, coerce.ChoiceIndex] = {}


def _choice_index(choices: type[models.Choices]) -> coerce.ChoiceIndex:
    if choices not in _CHOICE_INDEXES:
        _CHOICE_INDEXES[choices] = coerce.ChoiceIndex(choices)
    return _CHOICE_INDEXES[choices]


def _message(error: ValidationError) -> str:
    message = error.message
    if error.params:
        with contextlib.suppress(TypeError, KeyError, ValueError):
            message = message % error.params
    return str(message)


def _errors_in_column_order(plans: list[RowPlan], headers: list[str]) -> list[RowError]:
    """Each row's errors once, row by row, in the order of the file's columns."""
    position = {header: index for index, header in enumerate(headers)}
    found: list[RowError] = []
    for plan in plans:
        errors = _dedupe(plan.errors)
        errors.sort(key=lambda e: position.get(e.column, len(position)))
        found.extend(errors)
    return found


def _dedupe(errors: list[RowError]) -> list[RowError]:
    seen: set[tuple[Any, str, str]] = set()
    out = []
    for error in errors:
        key = (error.row, error.column, error.code)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out


def _update_many(model: type[models.Model], objects: list[Any]) -> None:
    """UPDATE every concrete field of each object (but created_at) with one prepared statement:
    QuerySet.bulk_update() builds a CASE expression per field and row (~10 ms a row here)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "created_at"]
    rows = [{"pk": obj.pk, **{f.attname: f.pre_save(obj, False) for f in fields}} for obj in objects]
    bulk.update_rows(model, rows, fields=[f.attname for f in fields], batch_size=BATCH_SIZE)


def chunks(values: list[Any], size: int = BATCH_SIZE) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
