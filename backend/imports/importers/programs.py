"""Training programs: rows of the actor's own provider (training/policies.py); a row that publishes
the program passes the same check as `program_publish` (at least one skill taught)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from backend.common.errors import ValidationFailed
from search.query import Kind
from training.models import Program, Provider
from training.policies import can_manage_program
from training.services import ensure_publishable

from ..engine import Importer, RowPlan, chunks
from ..schemas import PROGRAMS


class ProgramImporter(Importer):
    schema = PROGRAMS
    index_kind = Kind.TRAINING
    select_related = ("certificate_type",)
    ref_querysets = {"providers": lambda: Provider.objects.only("id", "external_id")}

    def prefetch(self, plans: list[RowPlan]) -> None:
        super().prefetch(plans)
        # Without a skills column a row keeps the skills it has: which existing programs have any.
        self.with_skills: set[int] = set()
        if "skills" not in self.header_of:
            through = Program.skills.through
            ids = [p.pk for p in self.existing.values()]
            for batch in chunks(ids):
                found = through.objects.filter(program_id__in=batch).values_list("program_id", flat=True)
                self.with_skills.update(found)

    def prepare(self, plan: RowPlan, instance: Program) -> None:
        occupation = plan.values.get("occupation") if "occupation" not in plan.error_fields else None
        brand_blank = ("brand" in plan.values or plan.is_new) and not plan.values.get("brand")
        if brand_blank and "brand" not in plan.error_fields and occupation is not None:
            instance.brand = occupation.brand
        if instance.fee is not None and instance.fee < 0:
            self.add_error(plan, "fee", "fee_negative", _("费用不能为负数。"))
        self.fill_coordinates(plan, instance, "venue_division")

    def authorise(self, plan: RowPlan, instance: Program) -> None:
        original = plan.original
        if original is not None and not can_manage_program(self.actor, original):
            self.add_error(
                plan,
                "external_id",
                "forbidden_provider",
                _("编号「{id}」的项目属于其他培训机构,不能修改。").format(id=plan.external_id),
            )
        elif instance.provider_id is not None and not can_manage_program(self.actor, instance):
            self.add_error(plan, "provider", "forbidden_provider", _("只能导入本机构的培训项目。"))

    def check_rules(self, plan: RowPlan, instance: Program) -> None:
        publishes = "status" in plan.values and instance.status == Program.Status.PUBLISHED
        if not publishes or "skills" in plan.error_fields:
            return
        if "skills" in plan.m2m:
            count = len(plan.m2m["skills"])
        else:  # no skills column: the row keeps the skills it has (a new program has none)
            count = 0 if plan.is_new or instance.pk not in self.with_skills else 1
        try:
            ensure_publishable(instance, skill_count=count)
        except ValidationFailed as exc:
            self.add_domain_errors(plan, exc)
