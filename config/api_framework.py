"""The pieces of /api/v1/ that REST_FRAMEWORK settings name: envelope renderer, exception
handler, pagination, per-token throttling, permission, and the Idempotency-Key mixin.

This module must not import rest_framework.views (nor anything that does): DRF resolves
these settings while it builds APIView itself. The URLconf and the schema class live in
config/api.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.pagination import BasePagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from dashboard.models import ApiToken, IdempotencyRecord

logger = logging.getLogger(__name__)


# --- errors -----------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "That already exists."
    default_code = "duplicate"

    def __init__(self, detail=None, *, existing_id: int | None = None):
        super().__init__(detail)
        self.existing_id = existing_id


class IdempotencyInProgress(Conflict):
    default_detail = "A request with this Idempotency-Key is still being processed; retry in a moment."
    default_code = "idempotency_in_progress"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was already used for a different request."
    default_code = "idempotency_key_reused"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class UnsupportedFileType(exceptions.APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = "That file type is not accepted."
    default_code = "unsupported_media_type"


class IdempotentReplay(Exception):  # noqa: N818 -- a control-flow signal, not an error
    def __init__(self, response: Response):
        self.response = response


ERROR_CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "duplicate",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "throttled",
    500: "server_error",
}


def _error_payload(code: str, message: str, details) -> dict:
    return {"success": False, "error": code, "message": message, "details": details}


def envelope_exception_handler(exc, context):
    """Every error, of any kind, answers with the error envelope and the right status."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    # Imported here: this module is loaded while rest_framework.views is still being built.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in the API", exc_info=exc)
        response = Response(status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        response.data = _error_payload("server_error", "Something went wrong on our side; it has been logged.", {})
        return response
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = _first_message(detail) or "The request is invalid."
        response.data = _error_payload("validation_error", message, detail)
        return response
    code = getattr(exc, "default_code", "") if type(exc).__module__ == __name__ else ""
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = "authentication_failed"
    elif isinstance(exc, exceptions.ParseError):
        code = "parse_error"
    code = code or ERROR_CODES.get(response.status_code, "error")
    detail = getattr(exc, "detail", "")
    message = str(detail) if not isinstance(detail, (dict, list)) else _first_message(detail)
    details = {"wait_seconds": exc.wait} if isinstance(exc, exceptions.Throttled) and exc.wait else {}
    if isinstance(exc, Conflict) and exc.existing_id:
        details = {"id": exc.existing_id}
    response.data = _error_payload(code, message, details)
    return response


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _first_message(value)
            if message:
                return message if field == "non_field_errors" else f"{field}: {message}"
        return ""
    if isinstance(detail, list):
        return next((_first_message(item) for item in detail if _first_message(item)), "")
    return str(detail)


# --- envelope ---------------------------------------------------------------------------


class EnvelopedResponse(Response):
    """A response whose data already is the full envelope (pagination, replays)."""

    enveloped = True


def enveloped_body(data, response) -> dict:
    if getattr(response, "enveloped", False) or response.status_code >= 400:
        return data
    return {"success": True, "data": data}


class EnvelopeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            data = enveloped_body(data, response)
        return super().render(data, accepted_media_type, renderer_context)


# --- access -----------------------------------------------------------------------------


class IsOrgMember(BasePermission):
    """A token (or session) of an active member of an organisation. What they may see and
    do past that is decided by visible_to and dashboard.access, as on the pages."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.is_active or not user.org_id:
            raise exceptions.PermissionDenied("This account is not a member of an organisation.")
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (per user for session use, per address otherwise)."""

    scope = "api_token"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- pagination -------------------------------------------------------------------------


def _positive_int(raw: str, name: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: [f"{name} must be a whole number."]})
    if value < 1:
        raise exceptions.ValidationError({name: [f"{name} must be 1 or more."]})
    return value


def encode_cursor(updated_at: datetime, pk: int) -> str:
    raw = json.dumps({"t": updated_at.isoformat(), "id": pk}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
        updated_at = parse_datetime(position["t"])
        pk = int(position["id"])
        if not 0 < pk <= MAX_ID:
            raise ValueError(pk)
        # Compared in UTC: PostgreSQL refuses offsets beyond ±15:59.
        updated_at = updated_at.astimezone(UTC)
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError, OverflowError, UnicodeDecodeError):
        raise exceptions.ValidationError({"cursor": ["The cursor is not valid; start again without one."]})
    return updated_at, pk


class PagePagination(BasePagination):
    """`page` + `limit` (max 100) with count/next/previous, or, with `cursor`, keyset pages.

    Cursor mode orders by (updated_at, id) (a view's `cursor_field` may name another
    timestamp, e.g. created_at for append-only rows) and continues after the last row seen. A row
    that changes during a sync moves behind the cursor and is delivered again later, so a
    sync never skips a row, which offsets cannot promise while rows change. `cursor=`
    (empty) starts from the beginning or from `updated_since`.
    """

    default_limit = 25
    max_limit = 100
    page_query_param = "page"
    limit_query_param = "limit"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self._limit(request)
        self.cursor_mode = self.cursor_query_param in request.query_params
        if self.cursor_mode:
            self.cursor_field = getattr(view, "cursor_field", "updated_at")
            return self._paginate_by_cursor(queryset, request.query_params[self.cursor_query_param])
        self.page = _positive_int(request.query_params.get(self.page_query_param, "1"), self.page_query_param)
        self.count = queryset.count()
        self.pages = max((self.count + self.limit - 1) // self.limit, 1)
        if self.page > self.pages:
            raise exceptions.NotFound(f"There is no page {self.page}; the last page is {self.pages}.")
        offset = (self.page - 1) * self.limit
        return list(queryset[offset : offset + self.limit])

    def _limit(self, request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        return min(_positive_int(raw, self.limit_query_param), self.max_limit)

    def _paginate_by_cursor(self, queryset, cursor: str):
        field = self.cursor_field
        queryset = queryset.order_by(field, "id")
        if cursor:
            position, pk = decode_cursor(cursor)
            queryset = queryset.filter(Q(**{f"{field}__gt": position}) | Q(**{field: position, "id__gt": pk}))
        rows = list(queryset[: self.limit + 1])
        self.has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        self.next_cursor = encode_cursor(getattr(rows[-1], field), rows[-1].pk) if rows else cursor
        return rows

    def _url(self, **params) -> str:
        url = self.request.build_absolute_uri()
        for name, value in params.items():
            url = remove_query_param(url, name) if value is None else replace_query_param(url, name, value)
        return url

    def get_pagination(self) -> dict:
        if self.cursor_mode:
            return {
                "mode": "cursor",
                "limit": self.limit,
                "has_more": self.has_more,
                "next_cursor": self.next_cursor,
                "next": self._url(cursor=self.next_cursor, page=None) if self.has_more else None,
                "previous": None,
            }
        return {
            "mode": "page",
            "count": self.count,
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "next": self._url(page=self.page + 1) if self.page < self.pages else None,
            "previous": self._url(page=self.page - 1) if self.page > 1 else None,
        }

    def get_paginated_response(self, data):
        return EnvelopedResponse({"success": True, "data": data, "pagination": self.get_pagination()})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["success", "data", "pagination"],
            "properties": {
                "success": {"type": "boolean"},
                "data": schema,
                "pagination": {
                    "type": "object",
                    "required": ["mode", "limit", "next", "previous"],
                    "properties": {
                        "mode": {"type": "string", "enum": ["page", "cursor"]},
                        "count": {"type": "integer"},
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "limit": {"type": "integer"},
                        "has_more": {"type": "boolean"},
                        "next_cursor": {"type": "string", "nullable": True},
                        "next": {"type": "string", "format": "uri", "nullable": True},
                        "previous": {"type": "string", "format": "uri", "nullable": True},
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "Page number (page mode).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.limit_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page, at most {self.max_limit}.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Cursor mode for syncs: pass it empty to start, then follow pagination.next. "
                "Rows come ordered by (updated_at, id).",
                "schema": {"type": "string"},
            },
        ]


# --- idempotency ------------------------------------------------------------------------

# A request that died half-way leaves its key "in progress"; after this, a retry may run again.
IDEMPOTENCY_ABANDONED_AFTER = timedelta(minutes=5)


def request_fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        for name in sorted(request.data.keys()):
            for value in request.data.getlist(name):
                digest.update(name.encode() + b"=")
                if hasattr(value, "chunks"):
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(str(value).encode())
                digest.update(b"\n")
    else:
        digest.update(request.body)
    return digest.hexdigest()


# `Idempotency-Key` on a POST: the first response is stored and a retry with the same key
# gets it back (with `Idempotent-Replayed: true`) and creates nothing new.
class IdempotentPostMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_record = None
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None:
            return
        key = key.strip()
        if not key or len(key) > 255 or not key.isprintable():
            raise exceptions.ValidationError(
                {"Idempotency-Key": ["Use a non-empty key of at most 255 printable characters."]}
            )
        self._idempotency_record = self._begin(request, key, request_fingerprint(request))

    def _begin(self, request, key: str, fingerprint: str) -> IdempotencyRecord:
        lookup = {"user": request.user, "key": key}
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    **lookup, method=request.method, path=request.path[:500], request_fingerprint=fingerprint
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(**lookup).first()
        if existing is None:
            raise IdempotencyInProgress()
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if existing.status_code is not None:
            replay = EnvelopedResponse(existing.response_body, status=existing.status_code)
            replay["Idempotent-Replayed"] = "true"
            raise IdempotentReplay(replay)
        abandoned = IdempotencyRecord.objects.filter(
            pk=existing.pk, status_code__isnull=True, created_at__lt=timezone.now() - IDEMPOTENCY_ABANDONED_AFTER
        ).update(created_at=timezone.now())
        if not abandoned:
            raise IdempotencyInProgress()
        return existing

    def handle_exception(self, exc):
        if isinstance(exc, IdempotentReplay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency_record", None)
        if record is None:
            return response
        self._idempotency_record = None
        if response.status_code >= 500 or response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
            # Nothing was decided: let the retry run for real.
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        body = json.loads(JSONRenderer().render(enveloped_body(response.data, response)))
        IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=response.status_code, response_body=body)
        return response


# Mixed into every /api/v1/ view: the access policy the URLconf test reads, and
# Idempotency-Key support. Scoping is each view's get_queryset (visible_to). (A comment,
# not a docstring: drf-spectacular would publish it as every operation's description.)
class ApiViewMixin(IdempotentPostMixin):
    access_policy = "api-token"
    lookup_value_regex = r"[0-9]{1,18}"


MAX_ID = 2**63 - 1


def id_field(**kwargs) -> serializers.IntegerField:
    """A row id in a request body: a whole number in the database's range."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# Retries come within minutes or hours; a day later a key is only clutter.
IDEMPOTENCY_KEEP_FOR = timedelta(hours=24)


def purge_expired_idempotency_records() -> int:
    cutoff = timezone.now() - IDEMPOTENCY_KEEP_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
