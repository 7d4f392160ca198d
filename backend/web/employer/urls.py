"""/manage/postings/: employers' and service staff's postings (see backend/web/nav.py)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("manage/postings/", views.postings, name="manage-postings"),
    path("manage/postings/new/", views.posting_form, name="manage-posting-new"),
    path("manage/postings/<int:posting_id>/edit/", views.posting_form, name="manage-posting-edit"),
    path("manage/postings/<int:posting_id>/status/", views.posting_action, name="manage-posting-status"),
]
