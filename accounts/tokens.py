"""API tokens (simplejwt) that can be taken back.

Refresh tokens rotate, and the one used is blacklisted. Every token carries the user's
`token_version` ("ver") and simplejwt's password-hash claim, and both are checked on every
request and every refresh: an API logout (which raises the version) or a password change or reset
(which changes the hash) ends every token the user holds, access tokens included, at the cost of
comparing two claims with the user row authentication loads anyway.

That row is cached in Redis (USER_CACHE_SECONDS) so an API request costs no user query. Every save
or delete of the user, and every revocation, replaces it with a tombstone for as long as a cached
row could live (so a request that read the old row just before the change cannot cache it back),
and a logout, a password change or a deactivation holds on the very next request in every
process. Without Redis (the embedded default, or Redis unreachable) nothing is cached: a cache in
one process's memory cannot hear another process's revocation.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import User

VERSION_CLAIM = "ver"
USER_CACHE_SECONDS = 60


def _user_cache_key(user_id: object) -> str:
    return f"api-user:{user_id}"


_TOMBSTONE = "changed"


def _user_cache_on() -> bool:
    return bool(getattr(cache, "shared", False))  # vocahire.lib.cache.FallbackRedisCache, up


def user_cache_forget(*, user_id: object) -> None:
    """Stop serving the user's cached row: a tombstone now and again at commit, which the cache
    refuses to overwrite until a row cached before the change would have expired."""
    key = _user_cache_key(user_id)
    cache.set(key, _TOMBSTONE, USER_CACHE_SECONDS)
    transaction.on_commit(lambda: cache.set(key, _TOMBSTONE, USER_CACHE_SECONDS))


def _user_changed(sender: type, instance: User, **kwargs: object) -> None:
    user_cache_forget(user_id=instance.pk)


post_save.connect(_user_changed, sender=User, dispatch_uid="accounts.tokens.user_saved")
post_delete.connect(_user_changed, sender=User, dispatch_uid="accounts.tokens.user_deleted")


def token_is_current(*, token: Token, user: User) -> bool:
    """Whether the token was issued for the user's current version and password."""
    password_claim = token.get(api_settings.REVOKE_TOKEN_CLAIM)
    # No "ver" means version 0: tokens from before versions existed (or AccessToken.for_user)
    # stay valid until the first logout raises the version.
    return token.get(VERSION_CLAIM, 0) == user.token_version and password_claim == (
        get_md5_hash_password(user.password)
    )


def refresh_token_for(*, user: User) -> RefreshToken:
    """A new refresh token (its access token copies the claims) for a signed-in user."""
    token = RefreshToken.for_user(user)
    token[VERSION_CLAIM] = user.token_version
    return token


@transaction.atomic
def tokens_revoke(*, user: User) -> None:
    """End every API token the user holds: access tokens by version, refresh by blacklist too."""
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user_cache_forget(user_id=user.pk)
    user.refresh_from_db(fields=["token_version"])
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


def refresh_token_user(*, raw: str) -> User:
    """The user a still-valid, current refresh token belongs to; TokenError otherwise."""
    token = RefreshToken(raw)  # checks signature, expiry and the blacklist
    user = User.objects.filter(pk=token.get(api_settings.USER_ID_CLAIM), is_active=True).first()
    if user is None or not token_is_current(token=token, user=user):
        raise TokenError("Token is no longer valid.")
    return user


class VersionedJWTAuthentication(JWTAuthentication):
    """simplejwt's authentication, refusing tokens from before a logout or password change."""

    def get_user(self, validated_token: Token) -> User:
        user = self._user_cached(validated_token)
        if not token_is_current(token=validated_token, user=user):
            raise InvalidToken({"detail": "Token revoked.", "code": "token_not_valid"})
        return user

    def _user_cached(self, validated_token: Token) -> User:
        """simplejwt's user lookup and checks (found, active, password claim), the row cached."""
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        if user_id is None or not _user_cache_on():
            return super().get_user(validated_token)
        key = _user_cache_key(user_id)
        user = cache.get(key)
        if not isinstance(user, User):  # a miss, or a tombstone: the row itself
            user = super().get_user(validated_token)
            cache.add(key, user, USER_CACHE_SECONDS)  # never over a tombstone
            return user
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
            user.password
        ):
            raise AuthenticationFailed(
                "The user's password has been changed.", code="password_changed"
            )
        return user
