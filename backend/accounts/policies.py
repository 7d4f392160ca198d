"""Roles and the counties a user covers: the helpers every app's policies are written with.

Each app keeps its own rules in its `policies.py` (backend/workers, backend/jobs, training,
backend/imports, matching), in short:
- admin (系统管理员): everything in the service's own data.
- security_admin (安全管理员): accounts, roles and lockouts (Django admin); no personal data.
- auditor (审计管理员): the audit log, read only; nothing else but public pages.
- service staff: workers living in, and postings/employers located in, the counties their centre
  covers (a covered prefecture covers all its counties); read-only on programs there.
- provider staff: their own provider's programs, sessions and enrolments.
- employer staff: their own employer's postings and the applications to them.
- worker: their own profile, applications and enrolments.
- anyone, anonymous included: published programs and postings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

from backend.regions.models import Division

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    Actor = User | AnonymousUser


def role_of(user: Actor | None) -> str:
    if user is None or not user.is_authenticated:
        return "anonymous"
    if user.is_superuser:
        return "admin"
    return user.role  # type: ignore[union-attr]


def is_admin(user: Actor | None) -> bool:
    return role_of(user) == "admin"


def is_security_admin(user: Actor | None) -> bool:
    return role_of(user) == "security_admin"


def is_auditor(user: Actor | None) -> bool:
    return role_of(user) == "auditor"


def covered_county_codes(user: Actor | None) -> frozenset[str]:
    """Division codes a service-staff user's centre covers, expanded to every division below."""
    if role_of(user) != "service_staff":
        return frozenset()
    cached = getattr(user, "_covered_codes", None)
    if cached is not None:
        return cached
    prefixes = [d.code_prefix for d in Division.objects.filter(service_centres=user.service_centre_id)]  # type: ignore[union-attr]
    query = Q()
    for prefix in prefixes:
        query |= Q(code__startswith=prefix)
    codes = (
        frozenset(Division.objects.filter(query).values_list("code", flat=True)) if prefixes else frozenset()
    )
    user._covered_codes = codes  # type: ignore[union-attr]
    return codes


def covers(user: Actor | None, division_code: str | None) -> bool:
    return bool(division_code) and division_code in covered_county_codes(user)


# --- Second factor (backend/accounts/second_factor.py) ---------------------------------------
# Roles that see other people's data or run the system must use a TOTP code when the setting
# SKILLBRIDGE_REQUIRE_2FA is on; provider and employer staff may choose to; workers never have one.
SECOND_FACTOR_REQUIRED_ROLES = frozenset({"service_staff", "admin", "security_admin", "auditor"})
SECOND_FACTOR_OPTIONAL_ROLES = frozenset({"provider_staff", "employer_staff"})


def second_factor_required(user: Actor | None) -> bool:
    return bool(settings.SKILLBRIDGE_REQUIRE_2FA) and role_of(user) in SECOND_FACTOR_REQUIRED_ROLES


def may_enrol_second_factor(user: Actor | None) -> bool:
    return role_of(user) in SECOND_FACTOR_REQUIRED_ROLES | SECOND_FACTOR_OPTIONAL_ROLES
