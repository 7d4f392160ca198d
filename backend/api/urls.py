from django.urls import include, path
from rest_framework.routers import DefaultRouter

from backend.accounts.api import ApiTokenDetailView, ApiTokenListView, MeView, TokenView, UserApiTokenListView
from backend.jobs.api import ApplicationViewSet, EmployerViewSet, PostingViewSet
from backend.occupations.api import CertificateTypeViewSet, DivisionViewSet, OccupationViewSet, SkillViewSet
from backend.workers.api import WorkerProfileViewSet
from search.api import SearchView, SuggestView
from training.api import EnrolmentViewSet, ProgramViewSet, ProviderViewSet, SessionViewSet

router = DefaultRouter()
router.register("providers", ProviderViewSet, basename="provider")
router.register("programs", ProgramViewSet, basename="program")
router.register("sessions", SessionViewSet, basename="session")
router.register("enrolments", EnrolmentViewSet, basename="enrolment")
router.register("employers", EmployerViewSet, basename="employer")
router.register("postings", PostingViewSet, basename="posting")
router.register("applications", ApplicationViewSet, basename="application")
router.register("workers", WorkerProfileViewSet, basename="worker")
router.register("divisions", DivisionViewSet, basename="division")
router.register("occupations", OccupationViewSet, basename="occupation")
router.register("skills", SkillViewSet, basename="skill")
router.register("certificate-types", CertificateTypeViewSet, basename="certificate-type")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", ApiTokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:token_id>/", ApiTokenDetailView.as_view(), name="auth-token-detail"),
    path("auth/users/<int:user_id>/tokens/", UserApiTokenListView.as_view(), name="auth-user-tokens"),
    path("me/", MeView.as_view(), name="me"),
    path("imports/", include("backend.imports.urls")),
    path("audit/", include("backend.audit.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("search/suggest/", SuggestView.as_view(), name="search-suggest"),
    path("", include("matching.urls")),
    path("", include(router.urls)),
]
