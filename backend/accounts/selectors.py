"""Account reads: a user's live API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken


def api_tokens_live(*, user: Any) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first (never the key: only its digest is kept)."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created", "-pk")
