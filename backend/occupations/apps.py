from django.apps import AppConfig


class OccupationsConfig(AppConfig):
    name = "backend.occupations"
    label = "occupations"
