"""Pages anyone may open: home, search, a posting or program, login."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path, re_path

from . import privacy, views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    # With or without a trailing slash: probes are configured either way and follow no redirect.
    re_path(r"^healthz/?$", views.healthz, name="healthz"),
    re_path(r"^healthz/live/?$", views.healthz_live, name="healthz-live"),
    path("search/", views.search, name="search"),
    path("privacy/", privacy.privacy_notice, name="privacy"),
    path("jobs/<int:posting_id>/", views.job_detail, name="job-detail"),
    path("courses/<int:program_id>/", views.course_detail, name="course-detail"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
