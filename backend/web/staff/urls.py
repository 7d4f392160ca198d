"""Pages of the staff role (see backend/web/nav.py for their header links)."""

from django.urls import URLPattern, path

from . import dashboard, deletions, registration, review, runs

urlpatterns: list[URLPattern] = [
    path("staff/review/", review.review_queue, name="staff-review"),
    path("staff/runs/", runs.runs, name="staff-runs"),
    path("staff/runs/<int:run_id>/cancel/", runs.run_cancel, name="staff-run-cancel"),
    path("staff/dashboard/", dashboard.dashboard, name="staff-dashboard"),
    path("staff/workers/new/", registration.staff_worker_new, name="staff-worker-new"),
    path("staff/deletion-requests/", deletions.deletion_requests, name="staff-deletion-requests"),
]
