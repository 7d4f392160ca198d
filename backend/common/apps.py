from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "backend.common"
    label = "common"

    def ready(self) -> None:
        # Make the project's Celery app the current one before any @shared_task is used.
        from backend import celery  # noqa: F401
