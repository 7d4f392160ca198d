from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "backend.workers"
    label = "workers"
