"""Included by the API under /api/v1/imports/ (namespace `imports`)."""

from django.urls import path

from . import api

app_name = "imports"

urlpatterns = [
    path("", api.ImportJobListCreateView.as_view(), name="job-list"),
    path("<int:job_id>/", api.ImportJobDetailView.as_view(), name="job-detail"),
    path("templates/<str:kind>.<str:fmt>", api.ImportTemplateView.as_view(), name="template"),
]
