"""Employers: rows in the staff's counties (jobs/policies.py); credit codes unique in the file and
against the employers already registered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from backend.jobs.models import Employer, Posting
from backend.jobs.policies import can_manage_employer, can_register_employer
from search.query import Kind

from ..engine import Importer, RowPlan
from ..lookups import fetch_by
from ..schemas import EMPLOYERS


class EmployerImporter(Importer):
    schema = EMPLOYERS

    def index_targets(self, plans: list[RowPlan]) -> list[tuple[Kind, list[int]]]:
        changed = [p.instance.pk for p in plans if not p.is_new]  # a new employer has no postings yet
        postings = (
            Posting.objects.filter(employer_id__in=changed).values_list("pk", flat=True) if changed else []
        )
        return [(Kind.JOB, list(postings))]

    def authorise(self, plan: RowPlan, instance: Employer) -> None:
        self.authorise_by_county(
            plan,
            instance,
            field_name="county",
            can_register=can_register_employer,
            can_manage=can_manage_employer,
        )

    def prefetch(self, plans: list[RowPlan]) -> None:
        super().prefetch(plans)
        codes = (p.values.get("credit_code") for p in plans)
        self.credit_holders = {
            code: e.external_id
            for code, e in fetch_by(
                Employer.objects.only("external_id", "credit_code"), "credit_code", codes
            ).items()
        }

    def check_across_rows(self, plans: list[RowPlan]) -> None:
        self.check_duplicates(
            plans, "credit_code", "duplicate_credit_code", _(_("统一社会信用代码与第{row}行重复。"))
        )
        for plan in plans:
            code: Any = plan.values.get("credit_code")
            holder = self.credit_holders.get(code) if code else None
            if holder and holder != plan.external_id and "credit_code" not in plan.error_fields:
                self.add_error(
                    plan,
                    "credit_code",
                    "duplicate_credit_code",
                    _("该统一社会信用代码已登记为其他用人单位。"),
                )
