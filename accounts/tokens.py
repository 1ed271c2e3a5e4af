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
one process's memory cannot hear another process's revocation. A row not in the cache is read with
a SELECT compiled once per process, and either way a refusal is simplejwt's own error.

An access token's signature is checked once per process: the same bytes verified under the same
signing settings verify the same way, so a token seen before is only checked for expiry again
(its claims are still compared with the user row on every request, as above).
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import tokens as jwt_tokens
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JwtAuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import User
from vocahire.lib.rowcache import PkLookup

VERSION_CLAIM = "ver"
USER_CACHE_SECONDS = 60
VERIFIED_TOKENS_MAX = 4096  # per process; a full cache starts over

_user_by_id = PkLookup(User, field=api_settings.USER_ID_FIELD)  # simplejwt's lookup, compiled

# raw access token -> the token simplejwt verified from it (signature, claims), this process
_verified: dict[bytes, Token] = {}


def _signing_changed(*, setting: str, **kwargs: object) -> None:
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        _verified.clear()


setting_changed.connect(_signing_changed, dispatch_uid="accounts.tokens.signing_changed")


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

    def get_validated_token(self, raw_token: bytes) -> Token:
        """simplejwt's checks, the signature and claims once per token and process, the expiry
        on every request (with simplejwt's own rule and leeway)."""
        token = _verified.get(raw_token)
        if token is not None:
            try:
                token.check_exp(current_time=jwt_tokens.aware_utcnow())
                return token
            except TokenError:
                _verified.pop(raw_token, None)  # simplejwt's own path says why, below
        token = super().get_validated_token(raw_token)
        if len(_verified) >= VERIFIED_TOKENS_MAX:
            _verified.clear()
        _verified[raw_token] = token
        return token

    def get_user(self, validated_token: Token) -> User:
        user = self._user_cached(validated_token)
        if not token_is_current(token=validated_token, user=user):
            raise InvalidToken({"detail": "Token revoked.", "code": "token_not_valid"})
        return user

    def _user_cached(self, validated_token: Token) -> User:
        """simplejwt's user lookup and checks (found, active, password claim) with simplejwt's
        errors, the row from the cache, or else read with a SELECT compiled once per process."""
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        if user_id is None:
            return super().get_user(validated_token)  # simplejwt's InvalidToken
        cached = _user_cache_on()
        key = _user_cache_key(user_id)
        user = cache.get(key) if cached else None
        if not isinstance(user, User):  # a miss, or a tombstone: the row itself
            user = _user_by_id.get(user_id)
            if user is None:
                raise JwtAuthenticationFailed(_("User not found"), code="user_not_found")
            if cached:
                cache.add(key, user, USER_CACHE_SECONDS)  # never over a tombstone
        if not user.is_active:
            raise JwtAuthenticationFailed(_("User is inactive"), code="user_inactive")
        if validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
            user.password
        ):
            raise JwtAuthenticationFailed(
                _("The user's password has been changed."), code="password_changed"
            )
        return user
