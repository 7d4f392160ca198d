from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts import second_factor
from backend.accounts.models import User
from tests import factories as f

PASSWORD = "pw-test-123"


@pytest.fixture
def make_user(db):
    """A saved user with password pw-test-123; staff roles get the organisation they need."""

    def make(role: str = User.Role.WORKER, **kwargs):  # type: ignore[no-untyped-def]
        if role == User.Role.SERVICE_STAFF:
            kwargs.setdefault("service_centre", f.ServiceCentreFactory())
        elif role == User.Role.PROVIDER_STAFF:
            kwargs.setdefault("provider", f.ProviderFactory())
        elif role == User.Role.EMPLOYER_STAFF:
            kwargs.setdefault("employer", f.EmployerFactory())
        user = f.UserFactory(role=role, **kwargs)
        user.save()
        return user

    return make


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for this device, now or `steps_ahead` steps later
    (a device accepts one step either side, and each step only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def enrolled():
    """Give a user a confirmed authenticator app and recovery codes: (device, codes)."""

    def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
        device = second_factor.totp_enrolment_start(user=user)
        codes = second_factor.totp_enrolment_confirm(user=user, device=device, code=totp_code(device))
        device.refresh_from_db()
        return device, codes

    return enrol


def wrong_code(device: TOTPDevice) -> str:
    """Six digits the device accepts at no step near now (so a test never guesses right)."""
    near = {totp_code(device, steps_ahead=step) for step in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(0, 10**6, 7919)) if code not in near)
