from __future__ import annotations

import ipaddress
import logging
import os
import socket

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (divisions, taxonomy) is loaded once per test database, like production."""
    with django_db_blocker.unblock():
        call_command("load_divisions", verbosity=0)
        call_command("load_taxonomy", verbosity=0)


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Tests never reach the network beyond this machine."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            ip = ipaddress.ip_address(
                socket.gethostbyname(host) if not host[:1].isdigit() and ":" not in host else host
            )
        except (OSError, ValueError):
            raise OSError(f"network access blocked in tests: {host}") from None
        if not ip.is_loopback:
            raise OSError(f"network access blocked in tests: {host}")
    return _real_connect(self, address, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _capture_logs_for_pii_check():
    """SKILLBRIDGE_LOG_CAPTURE=<path>: every log record of the run, DEBUG and up from any logger,
    also goes to <path> through the project's formatter; tests/check_logs_for_pii.py scans it."""
    path = os.environ.get("SKILLBRIDGE_LOG_CAPTURE")
    if not path:
        yield
        return
    from backend.common.logging import project_handler

    root = logging.getLogger()
    handler = project_handler(logging.FileHandler(path, encoding="utf-8"))
    handler.setLevel(logging.DEBUG)
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(handler)
    root.setLevel(previous)
    handler.close()


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Transactional tests end with a flush that empties every table, reference data included;
    pytest-django runs them after the others, so each one reloads what it needs first."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from backend.regions.models import Division

        if not Division.objects.exists():
            call_command("load_divisions", verbosity=0)
            call_command("load_taxonomy", verbosity=0)


@pytest.fixture
def fresh_matching_engine(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The matching engine builds a catalogue of this test's rows (in a temporary directory) and
    checks the catalogue version on every call; nothing carries over between tests."""
    from matching import engine

    settings.MATCHING_ARTEFACT_DIR = tmp_path / "matching"
    settings.MATCHING_VERSION_CHECK_SECONDS = 0
    settings.MATCHING_REBUILD_SECONDS = 0
    engine.reset()
    yield
    engine.reset()
