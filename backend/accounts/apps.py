from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .sessions import login_stamp

        user_logged_in.connect(login_stamp, dispatch_uid="accounts.login_stamp")
        post_migrate.connect(_security_admin_group, dispatch_uid="accounts.security_admin_group")


def _security_admin_group(sender: AppConfig, **kwargs: Any) -> None:
    """After migrate has made the permissions of an app the group draws on, refresh the group."""
    from .services import SECURITY_ADMIN_PERMISSIONS, security_admin_group_sync

    if sender.label in {app_label for app_label, _model in SECURITY_ADMIN_PERMISSIONS}:
        security_admin_group_sync()
