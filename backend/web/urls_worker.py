"""Pages of the worker role (see backend/web/nav.py for their header links)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
