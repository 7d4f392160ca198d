from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import detail, pages, search

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("search/", search.search, name="search"),
    path("jobs/<int:posting_id>/", detail.job_detail, name="job-detail"),
    path("courses/<int:program_id>/", detail.course_detail, name="course-detail"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # One module per role's pages, so they grow apart.
    path("", include("backend.web.urls_worker")),
    path("", include("backend.web.urls_provider")),
    path("", include("backend.web.urls_staff")),
]
