"""Worker profiles: rows living in the staff's counties (workers/policies.py); ID numbers unique in
the file and against the profiles already registered; skills and certificates written by hand."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from backend.common import crypto
from backend.workers import consent
from backend.workers.models import ConsentChannel, WorkerCertificate, WorkerProfile, WorkerSkill
from backend.workers.policies import can_manage_worker, can_register_worker

from ..engine import BATCH_SIZE, Importer, RowPlan, chunks
from ..lookups import fetch_by
from ..schemas import WORKERS


class WorkerImporter(Importer):
    schema = WORKERS

    def parse_row(self, number: int, cells: dict[str, Any], read_error: tuple[str, str] | None) -> RowPlan:
        plan = super().parse_row(number, cells, read_error)
        number_text = plan.values.get("id_number")
        if number_text and "id_number" not in plan.error_fields:
            plan.extra["id_hash"] = crypto.blind_index(number_text)
        return plan

    def prefetch(self, plans: list[RowPlan]) -> None:
        super().prefetch(plans)
        hashes = (p.extra.get("id_hash") for p in plans)
        self.id_holders = {
            h: w.external_id
            for h, w in fetch_by(
                WorkerProfile.objects.only("external_id", "id_number_hash"), "id_number_hash", hashes
            ).items()
        }

    def prepare(self, plan: RowPlan, instance: WorkerProfile) -> None:
        if "id_number" in plan.values and "id_number" not in plan.error_fields:
            number = plan.values["id_number"] or ""
            instance.set_id_number(number)
            if number:
                if not plan.values.get("birth_year") and not instance.birth_year:
                    instance.birth_year = int(number[6:10])
                if not plan.values.get("gender") and not instance.gender:
                    male = int(number[16]) % 2 == 1
                    instance.gender = WorkerProfile.Gender.MALE if male else WorkerProfile.Gender.FEMALE
        if plan.is_new and getattr(self.actor, "pk", None) and self.role != "anonymous":
            instance.registered_by_id = self.actor.pk
        for name in ("skills", "certificates"):
            if name in plan.values and name not in plan.error_fields:
                plan.extra[name] = plan.values[name] or []
        self.take_consents(plan, instance)

    def take_consents(self, plan: RowPlan, instance: WorkerProfile) -> None:
        """The consent columns go to the consent service after the write (it keeps the records):
        the row keeps its stored booleans until then."""
        wanted = {}
        for field, purpose in consent.FIELD_PURPOSES.items():
            if field in plan.values and field not in plan.error_fields:
                wanted[purpose] = bool(getattr(instance, field))
            kept = getattr(plan.original, field) if plan.original else consent.unsaved_default(field)
            setattr(instance, field, kept)
        plan.extra["consents"] = wanted

    def authorise(self, plan: RowPlan, instance: WorkerProfile) -> None:
        self.authorise_by_county(
            plan,
            instance,
            field_name="current_division",
            can_register=can_register_worker,
            can_manage=can_manage_worker,
        )

    def check_across_rows(self, plans: list[RowPlan]) -> None:
        seen: dict[str, int] = {}
        for plan in plans:
            digest = plan.extra.get("id_hash")
            if not digest:
                continue
            if digest in seen:
                self.add_error(
                    plan,
                    "id_number",
                    "duplicate_id_number",
                    _("身份证号与第{row}行重复。").format(row=seen[digest]),
                )
                continue
            seen[digest] = plan.number
            holder = self.id_holders.get(digest)
            if holder and holder != plan.external_id:
                self.add_error(plan, "id_number", "duplicate_id_number", _("该身份证号已登记为其他劳动者。"))

    def after_write(self, plans: list[RowPlan]) -> None:
        consent.consents_record_many(
            entries=[(p.instance, p.extra.get("consents", {})) for p in plans],
            channel=ConsentChannel.IMPORT,
            actor=self.actor,
            new_ids=[p.instance.pk for p in plans if p.is_new],
        )
        if "skills" in self.header_of:
            self.write_skills(plans)
        if "certificates" in self.header_of:
            self.write_certificates(plans)

    def write_skills(self, plans: list[RowPlan]) -> None:
        wanted = {p.instance.pk: {s.pk for s in p.extra.get("skills", [])} for p in plans}
        existing: dict[int, set[int]] = {}
        stale: list[int] = []
        for batch in chunks([p.instance.pk for p in plans if not p.is_new]):
            for row_id, worker_id, skill_id in WorkerSkill.objects.filter(worker_id__in=batch).values_list(
                "id", "worker_id", "skill_id"
            ):
                if skill_id in wanted[worker_id]:
                    existing.setdefault(worker_id, set()).add(skill_id)
                else:
                    stale.append(row_id)
        for batch in chunks(stale):
            WorkerSkill.objects.filter(id__in=batch).delete()
        WorkerSkill.objects.bulk_create(
            [
                WorkerSkill(worker_id=worker_id, skill_id=skill_id)
                for worker_id, skills in wanted.items()
                for skill_id in skills - existing.get(worker_id, set())
            ],
            batch_size=BATCH_SIZE,
        )

    def write_certificates(self, plans: list[RowPlan]) -> None:
        wanted = {p.instance.pk: {c.pk: level for c, level in p.extra.get("certificates", [])} for p in plans}
        kept: dict[int, set[int]] = {}
        stale: list[int] = []
        changed: list[WorkerCertificate] = []
        for batch in chunks([p.instance.pk for p in plans if not p.is_new]):
            for row in WorkerCertificate.objects.filter(worker_id__in=batch):
                levels = wanted[row.worker_id]
                if row.certificate_type_id not in levels:
                    stale.append(row.pk)
                    continue
                kept.setdefault(row.worker_id, set()).add(row.certificate_type_id)
                level = levels[row.certificate_type_id]
                if level is not None and level != row.level:
                    row.level = level
                    changed.append(row)
        for batch in chunks(stale):
            WorkerCertificate.objects.filter(id__in=batch).delete()
        WorkerCertificate.objects.bulk_update(changed, ["level"], batch_size=BATCH_SIZE)
        WorkerCertificate.objects.bulk_create(
            [
                WorkerCertificate(worker_id=worker_id, certificate_type_id=cert_id, level=level)
                for worker_id, levels in wanted.items()
                for cert_id, level in levels.items()
                if cert_id not in kept.get(worker_id, set())
            ],
            batch_size=BATCH_SIZE,
        )
