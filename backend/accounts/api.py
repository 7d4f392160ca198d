"""Who am I, and a token for API clients."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .models import User
from .services import token_login


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


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="The 6-digit code of the authenticator app, or a recovery code, when the account has one.",
    )


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """POST username, password (and `otp` when the account uses a second factor); returns
    {"token": ...} for the Authorization: Token header. Failures count for the login lockout."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "login"

    @extend_schema(request=TokenInput, responses=TokenOutput)
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        # axes keeps its marks on Django's request, where its middleware looks for them.
        user = token_login(request=request._request, **data.validated_data)
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOutput({"token": token.key}).data)
