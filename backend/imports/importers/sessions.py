"""Sessions (开班): rows of the actor's own provider's programs (training/policies.py); an existing
session is not moved to another provider's program, as in `session_update`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from search.query import Kind
from training.models import Program, Session
from training.policies import can_manage_session, can_move_session_to_program

from ..engine import Importer, RowPlan
from ..schemas import SESSIONS


class SessionImporter(Importer):
    schema = SESSIONS
    select_related = ("program",)
    ref_querysets = {"programs": lambda: Program.objects.only("id", "external_id", "provider_id")}

    def index_targets(self, plans: list[RowPlan]) -> list[tuple[Kind, list[int]]]:
        return [(Kind.TRAINING, sorted({p.instance.program_id for p in plans}))]

    def authorise(self, plan: RowPlan, instance: Session) -> None:
        original = plan.original
        if original is not None and not can_manage_session(self.actor, original):
            self.add_error(
                plan,
                "external_id",
                "forbidden_provider",
                _("编号「{id}」的开班属于其他培训机构,不能修改。").format(id=plan.external_id),
            )
        elif instance.program_id is not None and not can_manage_session(self.actor, instance):
            self.add_error(plan, "program", "forbidden_provider", _("只能导入本机构培训项目的开班。"))
        elif (
            original is not None
            and "program" not in plan.error_fields
            and not can_move_session_to_program(self.actor, original, instance.program)
        ):
            self.add_error(plan, "program", "forbidden_move", _("不能把开班移到其他机构的项目。"))
