"""Matching routes, included by backend/api/urls.py under /api/v1/ before the main router."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("suggestions", api.SuggestionViewSet, basename="suggestion")
router.register("matching/runs", api.MatchingRunViewSet, basename="matching-run")
router.register("matching/model-versions", api.ModelVersionViewSet, basename="model-version")

urlpatterns = [
    path(
        "workers/<int:worker_id>/recommendations/",
        api.WorkerRecommendationsView.as_view(),
        name="worker-recommendations",
    ),
    path("matching/preview/", api.PreviewView.as_view(), name="matching-preview"),
    path("me/suggestions/", api.MySuggestionsView.as_view(), name="my-suggestions"),
    *router.urls,
]
