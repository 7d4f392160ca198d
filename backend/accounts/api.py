"""Who am I; API tokens: issue one (log in), list and revoke your own, and a security
administrator's view of anyone's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.throttling import ScopedRateThrottle
from backend.common.errors import NotFound, PermissionDenied

from . import selectors, services
from .models import ApiToken, User
from .policies import is_security_admin
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
    name = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="A name for the device this token is for (shown in the owner's token list).",
    )


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only this once.")
    id = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """POST username, password (and `otp` when the account uses a second factor, `name` for the
    device); returns a new token for the Authorization: Token header, valid by the role (30 days
    for workers, 8 hours for every other role). Failures count for the login lockout; the
    `login` throttle limits tries per client address."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "login"

    @extend_schema(request=TokenInput, responses=TokenOutput)
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data.pop("name", "")
        # axes keeps its marks on Django's request, where its middleware looks for them.
        user = token_login(request=request._request, **data.validated_data)
        api_token, key = services.api_token_create(
            user=user, name=name, user_agent=request.headers.get("User-Agent", ""), request=request
        )
        return Response(TokenOutput({"token": key, "id": api_token.pk, "expires_at": api_token.expiry}).data)


class ApiTokenOutput(serializers.ModelSerializer):
    """A token as its owner sees it: never the key."""

    created_at = serializers.DateTimeField(source="created")
    expires_at = serializers.DateTimeField(source="expiry")
    current = serializers.SerializerMethodField(help_text="The token this request was sent with.")

    class Meta:
        model = ApiToken
        fields = ("id", "name", "user_agent", "created_at", "last_used_at", "expires_at", "current")

    def get_current(self, api_token: ApiToken) -> bool:
        request = self.context.get("request")
        return isinstance(getattr(request, "auth", None), ApiToken) and request.auth.pk == api_token.pk  # type: ignore[union-attr]


class RevokedOutput(serializers.Serializer):
    revoked = serializers.IntegerField()


class ApiTokenListView(APIView):
    """GET: your live tokens. DELETE: revoke all of them (the one sent with included)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=ApiTokenOutput(many=True))
    def get(self, request: Request) -> Response:
        tokens = selectors.api_tokens_live(user=request.user)
        return Response(ApiTokenOutput(tokens, many=True, context={"request": request}).data)

    @extend_schema(responses={200: RevokedOutput}, operation_id="v1_auth_tokens_revoke_all")
    def delete(self, request: Request) -> Response:
        count = services.api_tokens_revoke_all(actor=request.user, user=request.user, request=request)  # type: ignore[arg-type]
        return Response(RevokedOutput({"revoked": count}).data)


class ApiTokenDetailView(APIView):
    """DELETE: revoke one token, your own (a security administrator: anyone's)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses={204: None}, operation_id="v1_auth_tokens_revoke")
    def delete(self, request: Request, token_id: int) -> Response:
        services.api_token_revoke(actor=request.user, token_id=token_id, request=request)
        return Response(status=204)


def _user_for_security_admin(request: Request, user_id: int) -> User:
    if not is_security_admin(request.user):
        raise PermissionDenied(_("只有安全管理员可以查看或吊销他人的令牌。"))
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("未找到该用户。"))
    return user


class UserApiTokenListView(APIView):
    """The security administrator's: GET a user's live tokens, DELETE revokes them all."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=ApiTokenOutput(many=True))
    def get(self, request: Request, user_id: int) -> Response:
        user = _user_for_security_admin(request, user_id)
        tokens = selectors.api_tokens_live(user=user)
        return Response(ApiTokenOutput(tokens, many=True, context={"request": request}).data)

    @extend_schema(responses={200: RevokedOutput}, operation_id="v1_auth_users_tokens_revoke_all")
    def delete(self, request: Request, user_id: int) -> Response:
        user = _user_for_security_admin(request, user_id)
        count = services.api_tokens_revoke_all(actor=request.user, user=user, request=request)
        return Response(RevokedOutput({"revoked": count}).data)
