"""Signed assessment-provider webhooks: HMAC-SHA256 over "<timestamp>.<body>".

Headers: ``X-Hireboard-Timestamp`` (Unix seconds) and ``X-Hireboard-Signature``
(``sha256=<hex>``). Requests older than the tolerance, or a signature seen before, are
replays and are refused. The per-webhook secret is derived from SECRET_KEY and the
webhook's key, so nothing secret is stored in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime

from candidates.models import Candidate
from jobs.models import Job
from screening.models import AssessmentWebhook, AssessmentWebhookReceipt, TestLog

TIMESTAMP_HEADER = "HTTP_X_HIREBOARD_TIMESTAMP"
SIGNATURE_HEADER = "HTTP_X_HIREBOARD_SIGNATURE"
TOLERANCE_SECONDS = 300
MAX_BODY_BYTES = 256 * 1024


class WebhookRefused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def webhook_secret(webhook: AssessmentWebhook) -> str:
    return salted_hmac("hireboard.screening.assessment-webhook", str(webhook.key), algorithm="sha256").hexdigest()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    webhook: AssessmentWebhook, *, timestamp: str, signature: str, body: bytes, now: float | None = None
) -> None:
    if not timestamp or not signature:
        raise WebhookRefused(401, "unsigned", "Missing signature headers.")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookRefused(401, "bad_timestamp", "The timestamp header is not a number.")
    if abs((now or time.time()) - sent_at) > TOLERANCE_SECONDS:
        raise WebhookRefused(401, "stale", "The request is too old (or from the future); replays are refused.")
    expected = sign(webhook_secret(webhook), timestamp, body)
    if not hmac.compare_digest(expected, signature.strip()):
        raise WebhookRefused(401, "bad_signature", "The signature does not match.")


@dataclass(frozen=True)
class WebhookResult:
    test_log: TestLog
    created: bool


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise WebhookRefused(422, "invalid", f"{field} must be a number.")


def _datetime(value, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value))
    if parsed is None or parsed.tzinfo is None:
        raise WebhookRefused(422, "invalid", f"{field} must be an ISO 8601 date-time with a time zone.")
    return parsed


def receive(*, key: str, body: bytes, timestamp: str, signature: str) -> WebhookResult:
    """Verify, refuse replays, and record the result (idempotent by the provider's result id)."""
    from screening.services import TestLogInput, record_test_log

    if len(body) > MAX_BODY_BYTES:
        raise WebhookRefused(413, "too_large", "The payload is too large.")
    webhook = AssessmentWebhook.objects.unscoped().select_related("org").filter(key=key, is_active=True).first()
    if webhook is None:
        raise WebhookRefused(404, "not_found", "Unknown webhook.")
    verify(webhook, timestamp=timestamp, signature=signature, body=body)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRefused(400, "invalid_json", "The body is not JSON.")
    if not isinstance(payload, dict):
        raise WebhookRefused(400, "invalid_json", "The body must be a JSON object.")
    result_id = str(payload.get("result_id") or "").strip()
    if not result_id:
        raise WebhookRefused(422, "invalid", "result_id is required.")
    raw_job_id = str(payload.get("job_id", ""))
    job = (
        Job.objects.unscoped().filter(org=webhook.org, pk=int(raw_job_id)).first()
        if raw_job_id.isdigit() and len(raw_job_id) < 19
        else None
    )
    if job is None:
        raise WebhookRefused(422, "unknown_job", "job_id does not match a job in this organisation.")
    email = str(payload.get("candidate_email") or "").strip().lower()
    candidate = Candidate.objects.unscoped().filter(org=webhook.org, email__iexact=email).first() if email else None
    if candidate is None:
        raise WebhookRefused(422, "unknown_candidate", "candidate_email does not match a candidate.")
    duration_seconds = payload.get("duration_seconds")
    values = TestLogInput(
        test_name=str(payload.get("test_name") or ""),
        provider=webhook.provider,
        external_id=result_id,
        score=_decimal(payload.get("score"), "score"),
        max_score=_decimal(payload.get("max_score"), "max_score"),
        passed=payload.get("passed") if isinstance(payload.get("passed"), bool) else None,
        started_at=_datetime(payload.get("started_at"), "started_at"),
        completed_at=_datetime(payload.get("completed_at"), "completed_at"),
        duration=timedelta(seconds=int(duration_seconds)) if str(duration_seconds or "").isdigit() else None,
        proctoring_flags=tuple(str(flag)[:100] for flag in payload.get("proctoring_flags") or [] if flag)[:50],
        report_url=str(payload.get("report_url") or "")
        if str(payload.get("report_url") or "").startswith("https://")
        else "",
        raw_payload=payload,
    )
    try:
        with transaction.atomic():
            AssessmentWebhookReceipt.objects.create(
                webhook=webhook, signature=signature.strip()[:128], result_id=result_id
            )
            log, created = record_test_log(job=job, candidate=candidate, values=values)
    except IntegrityError:
        raise WebhookRefused(409, "replay", "This exact request was already received.")
    except ValidationError as error:
        raise WebhookRefused(422, "invalid", "; ".join(error.messages))
    return WebhookResult(test_log=log, created=created)
