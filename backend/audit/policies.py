"""Who may read the audit log: the auditor (审计管理员) alone.

等保2.0 separates the three officers: the system administrator (and so a Django superuser, whom
`role_of` counts as admin) runs the service and must not read the record of what was done with
it; the security administrator manages accounts. Nobody may change or remove an entry.
"""

from __future__ import annotations

from typing import Any

from backend.accounts.policies import role_of


def can_read_audit_log(user: Any) -> bool:
    return role_of(user) == "auditor"
