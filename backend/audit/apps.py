from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "backend.audit"
    label = "audit"
    verbose_name = "审计日志"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, signals, tracked  # noqa: F401  (checks registers itself)

        tracked.register_all()
        signals.connect()
