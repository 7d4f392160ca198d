"""/manage/imports/: the spreadsheet upload and its jobs (see backend/web/nav.py for who gets the link)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("manage/imports/", views.imports, name="manage-imports"),
    path("manage/imports/<int:job_id>/", views.import_job, name="manage-import-job"),
]
