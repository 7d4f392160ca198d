"""Receivers: logins and failed logins (Django's and django-axes' lockout signals), and the
database plumbing of the append-only triggers. Connected in apps.ready."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from . import services, triggers


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.record(action=services.Event.LOGIN, actor=user, target=user, request=request)


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Django has already replaced the password with stars; the username is masked if it is a mobile.
    username = str(credentials.get("username") or credentials.get("mobile") or "")[:150]
    services.record(action=services.Event.LOGIN_FAILED, detail={"username": username}, request=request)


def on_locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    services.record(
        action=services.Event.LOCKOUT,
        detail={"username": str(username or "")[:150]},
        request=request,
    )


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    triggers.register_sqlite_function(connection)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if sender.label != "audit":
        return
    from django.db import connections

    triggers.install(connections[using])


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    connection_created.connect(on_connection_created, dispatch_uid="audit.sqlite_function")
    post_migrate.connect(on_post_migrate, dispatch_uid="audit.triggers")
    # django-axes' lockout is an entry of its own. Importing axes.signals outside INSTALLED_APPS
    # would fail (its models) and would connect axes' own login receivers: only when installed.
    if not apps.is_installed("axes"):
        return
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="audit.lockout")
