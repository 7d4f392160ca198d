from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [path("audit/", views.entries, name="audit-entries-page")]
