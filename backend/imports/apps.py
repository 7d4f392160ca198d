from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "backend.imports"
    label = "imports"
