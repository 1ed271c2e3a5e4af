"""API auth: JSON Web Tokens for API clients (the browser uses its session)."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import has_verified_email
from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import tokens
from accounts.lockout import LOCKED_OUT_DETAIL
from accounts.models import User
from vocahire.lib.api import ApiError
from vocahire.lib.client_ip import ClientIpThrottleMixin

_WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="api"'}


class TokenThrottle(ClientIpThrottleMixin, AnonRateThrottle):
    """Slow down password guessing per client address."""

    scope = "auth_token"
    rate = "20/min"


class TokenObtainApi(TokenObtainPairView):
    """Exchange an email and password for an access and a refresh token."""

    throttle_classes = [TokenThrottle]

    @extend_schema_serializer(component_name="TokenObtainInput")
    class InputSerializer(TokenObtainPairSerializer):
        @classmethod
        def get_token(cls, user: User) -> RefreshToken:
            return tokens.refresh_token_for(user=user)

        def validate(self, attrs: dict) -> dict:
            # Emails are stored lower-case; people type them any way they like.
            attrs[self.username_field] = attrs[self.username_field].strip().lower()
            return super().validate(attrs)

    class OutputSerializer(serializers.Serializer):
        access = serializers.CharField()
        refresh = serializers.CharField()

    serializer_class = InputSerializer

    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                raise ApiError(
                    LOCKED_OUT_DETAIL,
                    "too_many_login_attempts",
                    429,
                    headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))},
                ) from None
            raise ApiError(
                "The email or password is not correct.",
                "invalid_credentials",
                401,
                headers=_WWW_AUTHENTICATE,
            ) from None
        if _verification_missing(serializer.user):
            raise ApiError(
                "Confirm your email address first: open the link we emailed you, then try again.",
                "email_not_verified",
                403,
            )
        return Response(self.OutputSerializer(serializer.validated_data).data)


class TokenRefreshApi(TokenRefreshView):
    """Exchange a refresh token for a new access token and a new refresh token (rotation)."""

    throttle_classes = [TokenThrottle]

    @extend_schema_serializer(component_name="TokenRefreshInput")
    class InputSerializer(TokenRefreshSerializer):
        def validate(self, attrs: dict) -> dict:
            try:
                tokens.refresh_token_user(raw=attrs["refresh"])
            except TokenError as exc:
                raise InvalidToken(exc.args[0]) from exc
            return super().validate(attrs)

    serializer_class = InputSerializer


class LogoutApi(APIView):
    """Sign the account out of the API: every access and refresh token it holds stops working."""

    permission_classes = [AllowAny]  # a refresh token alone is enough to sign out
    throttle_classes = [TokenThrottle]

    @extend_schema_serializer(component_name="LogoutInput")
    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField(required=False)

    @extend_schema(
        operation_id="auth_logout",
        request=InputSerializer,
        responses={
            204: OpenApiResponse(description="Signed out: every token of the account is revoked.")
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        raw = serializer.validated_data.get("refresh")
        if user is None and raw:
            try:
                user = tokens.refresh_token_user(raw=raw)
            except TokenError:
                raise InvalidToken("Token is no longer valid.") from None
        if user is None:
            raise NotAuthenticated()
        tokens.tokens_revoke(user=user)
        return Response(status=204)


def _verification_missing(user: User) -> bool:
    mandatory = (
        allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY
    )
    return mandatory and not has_verified_email(user)
