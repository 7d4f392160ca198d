"""Job postings: rows of the actor's own employer, or (service staff) located in their counties
(jobs/policies.py); only an admin moves a posting to another employer, as in `posting_update`.

Unlike `posting_publish`, a row may publish a posting whose closing date is past (shipped files
with fixed dates, e.g. the evaluation sets, must keep importing); `posting_expire_due` expires it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from backend.jobs.models import Employer, Posting
from backend.jobs.policies import can_manage_posting, can_move_posting_to_employer
from search.query import Kind

from ..engine import Importer, RowPlan
from ..schemas import POSTINGS


class PostingImporter(Importer):
    schema = POSTINGS
    index_kind = Kind.JOB
    select_related = ("required_certificate",)
    ref_querysets = {"employers": lambda: Employer.objects.only("id", "external_id", "county_id")}

    def prepare(self, plan: RowPlan, instance: Posting) -> None:
        employer = self.ref_value(plan, "employer")
        if instance.division_id is None and employer is not None and "division" not in plan.error_fields:
            instance.division_id = employer.county_id
        self.fill_coordinates(plan, instance, "division")

    def authorise(self, plan: RowPlan, instance: Posting) -> None:
        original = plan.original
        if original is not None and not can_manage_posting(self.actor, original):
            self.refuse(plan, "external_id", original)
            return
        if not self.can_decide(plan, instance):
            return
        if not can_manage_posting(self.actor, instance):
            where = "division" if self.role == "service_staff" and plan.values.get("division") else "employer"
            self.refuse(plan, where, instance)
        elif self.moves_employer(plan, instance):
            self.add_error(plan, "employer", "forbidden_transfer", _("不能把岗位转给其他单位。"))

    def moves_employer(self, plan: RowPlan, instance: Posting) -> bool:
        """The row gives an existing posting to another employer, which only an admin may do."""
        original = plan.original
        if original is None or instance.employer_id == original.employer_id:
            return False
        return not can_move_posting_to_employer(self.actor, original, instance.employer)

    def can_decide(self, plan: RowPlan, instance: Posting) -> bool:
        """The cells the rule reads hold no error: the employer (employer staff), else the place."""
        if self.role == "employer_staff":
            return instance.employer_id is not None
        blocked = "division" in plan.error_fields or "employer" in plan.error_fields
        return not blocked and instance.division_id is not None

    def refuse(self, plan: RowPlan, field_name: str, posting: Posting) -> None:
        if self.role != "employer_staff":
            self.refuse_outside_counties(plan, field_name, posting.division_id)
        elif field_name == "external_id":
            message = _("编号「{id}」的岗位属于其他用人单位,不能修改。").format(id=plan.external_id)
            self.add_error(plan, field_name, "forbidden_employer", message)
        else:
            self.add_error(plan, field_name, "forbidden_employer", _("只能导入本单位的招聘岗位。"))
