"""Who am I, and a token for API clients."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .models import User


class MeOutput(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "display_name",
            "role",
            "role_label",
            "provider",
            "employer",
            "service_centre",
        )


class MeView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=MeOutput)
    def get(self, request: Request) -> Response:
        return Response(MeOutput(request.user).data)


class TokenView(ObtainAuthToken):
    """POST username and password; returns {"token": ...} for the Authorization: Token header."""

    throttle_classes = (ScopedRateThrottle,)  # ObtainAuthToken turns throttling off by default
    throttle_scope = "login"
