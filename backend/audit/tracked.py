"""The models auditlog records every create, update and delete of, and the fields it never stores.

Registered in code (apps.ready) rather than in settings, so the exclusions sit beside the model
list. Bulk writes (bulk_create, QuerySet.update) send no model signals: the importer and the batch
matching run record one summary entry each instead (services.record).
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

MASK = "backend.audit.masking.mask_field"
TIMESTAMPS = ["created_at", "updated_at"]  # every save changes them; the entry has its own time

# app_label.Model: (fields never stored, fields stored masked)
TRACKED: dict[str, tuple[list[str], list[str]]] = {
    "workers.WorkerProfile": (
        # the number (encrypted) and its keyed hash never; a change shows in the masked copy,
        # masked again down to its last 4 characters
        ["id_number_encrypted", "id_number_hash", *TIMESTAMPS],
        ["mobile", "id_number_masked"],
    ),
    "workers.WorkerSkill": ([], []),
    "workers.WorkerCertificate": ([], []),
    # consent given or withdrawn, and deletion requests with their decision (PIPL Art. 15, 47)
    "workers.ConsentRecord": ([], []),
    "workers.DeletionRequest": (TIMESTAMPS, []),
    "jobs.Employer": (TIMESTAMPS, ["contact_phone"]),
    "jobs.Posting": (TIMESTAMPS, []),
    "jobs.Application": (TIMESTAMPS, []),
    "training.Provider": (TIMESTAMPS, ["contact_phone"]),
    "training.Program": (TIMESTAMPS, []),
    "training.Session": (TIMESTAMPS, []),
    "training.Enrolment": (TIMESTAMPS, []),
    # last_login changes on every login, which has its own entry
    "accounts.User": (["password", "last_login"], ["email"]),
}


def register_all() -> None:
    for label, (exclude, mask) in TRACKED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=list(exclude), mask_fields=list(mask), mask_callable=MASK)
