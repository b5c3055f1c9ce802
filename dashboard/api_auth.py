"""Personal API tokens: creation, revocation, and the DRF authentication that reads them.

A token looks like ``hb_<prefix>_<secret>``. Only its SHA-256 digest is stored; the token
itself is returned once by `create_api_token` and never again.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from dashboard.audit import services as audit
from dashboard.models import ApiToken, User

TOKEN_PREFIX = "hb_"
MAX_ACTIVE_TOKENS_PER_USER = 20
# Writing last_used_at on every request would add a write per API call; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the raw token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the system that will use it."})
    if len(name) > 100:
        raise ValidationError({"name": "A token name can be at most 100 characters."})
    if not user.org_id:
        raise ValidationError("Only members of an organisation can create API tokens.")
    if ApiToken.objects.filter(user=user).active().count() >= MAX_ACTIVE_TOKENS_PER_USER:
        raise ValidationError(f"You already have {MAX_ACTIVE_TOKENS_PER_USER} active tokens; revoke one first.")
    prefix = secrets.token_hex(4)
    raw_token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        org_id=user.org_id, user=user, name=name, prefix=prefix, token_hash=hash_token(raw_token)
    )
    audit.record(action=audit.Action.TOKEN_CREATED, actor=user, target=token, details={"prefix": prefix})
    return token, raw_token


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            action=audit.Action.TOKEN_REVOKED, actor=token.user, target=token, details={"prefix": token.prefix}
        )
    return token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer hb_…` (the word `Token` is accepted too)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header must be 'Bearer <token>'.")
        raw_token = header[1]
        if not raw_token.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed("That is not a Hireboard API token.")
        token = (
            ApiToken.objects.select_related("user", "user__org")
            .filter(token_hash=hash_token(raw_token), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active or token.user.org_id != token.org_id:
            raise exceptions.AuthenticationFailed("The token is invalid or has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
