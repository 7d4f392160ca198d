from django.urls import URLPattern, path

from .api import EntryListView

urlpatterns: list[URLPattern] = [path("entries/", EntryListView.as_view(), name="audit-entries")]
