"""The Celery app. Without CELERY_BROKER_URL, settings make every task run eagerly in-process."""

import logging
import logging.config
import os
from typing import Any

from celery import Celery, signals

from backend.common import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")

app = Celery("skillbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task enqueued during a request carries its id; the worker logs the task's lines under it.
signals.before_task_publish.connect(request_id.add_to_task_headers, weak=False)
signals.task_prerun.connect(request_id.adopt_from_task, weak=False)
signals.task_postrun.connect(request_id.release_after_task, weak=False)


@signals.setup_logging.connect(weak=False)
def use_project_logging(loglevel: Any = None, **_: Any) -> None:
    """With a receiver here Celery leaves logging alone: the worker's lines (its own, the tasks')
    go through settings.LOGGING like the web's, as masked JSON. --loglevel still applies."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        root = logging.getLogger()
        root.setLevel(loglevel)
        for handler in root.handlers:
            handler.setLevel(loglevel)
