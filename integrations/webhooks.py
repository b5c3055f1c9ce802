"""Inbound webhooks: each provider's signature check, replay window and event identity.

A webhook only tells us *which* application changed; processing reads the ATS's current
state of it, so late, reordered or replayed deliveries cannot move a card backwards.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from dateutil.parser import isoparse

from .models import AtsConnection, Provider
from .providers import greenhouse, lever, workable, zoho

MAX_BODY_BYTES = 256 * 1024
REPLAY_WINDOW_SECONDS = 300


class WebhookRejected(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class InboundEvent:
    event_id: str
    event_type: str
    payload: dict[str, Any]


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise WebhookRejected(400, "Body is not JSON.") from None
    if not isinstance(data, dict):
        raise WebhookRejected(400, "Body is not a JSON object.")
    return data


def _check_fresh(timestamp: float | None, now: float) -> None:
    if timestamp is None:
        return
    if abs(now - timestamp) > REPLAY_WINDOW_SECONDS:
        raise WebhookRejected(400, "Event is outside the replay window.")


def _secret(connection: AtsConnection, fallback_key: str = "") -> str:
    secret = connection.webhook_secret or (connection.credentials.get(fallback_key, "") if fallback_key else "")
    if not secret:
        raise WebhookRejected(403, "No webhook secret is configured for this connection.")
    return secret


def _workable(connection: AtsConnection, body: bytes, headers: Any, now: float) -> InboundEvent:
    # Workable keys the HMAC with the account token unless an app secret is configured.
    if not workable.verify_webhook(_secret(connection, "token"), body, headers):
        raise WebhookRejected(401, "Bad signature.")
    data = _json(body)
    fired_at = data.get("fired_at")
    _check_fresh(isoparse(fired_at).timestamp() if fired_at else None, now)
    event_id = str(data.get("id") or hashlib.sha256(body).hexdigest())
    return InboundEvent(event_id, str(data.get("event_type", "")), data)


def _greenhouse(connection: AtsConnection, body: bytes, headers: Any, now: float) -> InboundEvent:
    if not greenhouse.verify_webhook(_secret(connection), body, headers):
        raise WebhookRejected(401, "Bad signature.")
    data = _json(body)
    # Greenhouse sends no timestamp: its event id is the replay guard.
    event_id = headers.get("Greenhouse-Event-ID") or hashlib.sha256(body).hexdigest()
    return InboundEvent(event_id, str(data.get("action", "")), data)


def _lever(connection: AtsConnection, body: bytes, headers: Any, now: float) -> InboundEvent:
    data = _json(body)
    if not lever.verify_webhook(_secret(connection), data):
        raise WebhookRejected(401, "Bad signature.")
    triggered_at = data.get("triggeredAt")
    _check_fresh(float(triggered_at) / 1000 if isinstance(triggered_at, int | float) else None, now)
    return InboundEvent(str(data["token"]), str(data.get("event", "")), data)


def _zoho(connection: AtsConnection, body: bytes, headers: Any, now: float) -> InboundEvent:
    content_type = headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        params = {key: str(value) for key, value in _json(body).items()}
    else:
        params = {key: values[0] for key, values in parse_qs(body.decode(errors="replace")).items()}
    if not zoho.verify_webhook(_secret(connection), params):
        raise WebhookRejected(401, "Bad token.")
    modified = params.get("modified_time")
    _check_fresh(float(modified) if modified and modified.isdigit() else None, now)
    event_id = params.get("event_id") or hashlib.sha256(body).hexdigest()
    return InboundEvent(
        event_id, params.get("event", "status_changed"), {k: v for k, v in params.items() if k != "token"}
    )


PARSERS = {Provider.WORKABLE: _workable, Provider.GREENHOUSE: _greenhouse, Provider.LEVER: _lever, Provider.ZOHO: _zoho}


def parse(connection: AtsConnection, body: bytes, headers: Any, *, now: float | None = None) -> InboundEvent:
    if len(body) > MAX_BODY_BYTES:
        raise WebhookRejected(413, "Body too large.")
    parser = PARSERS.get(Provider(connection.provider))
    if parser is None:
        raise WebhookRejected(404, "This provider sends no webhooks; changes are pulled.")
    return parser(connection, body, headers, time.time() if now is None else now)


def remote_application_id(provider: str, payload: dict[str, Any]) -> str:
    """Which remote application a stored event (``InboundEvent.payload``) is about."""
    if provider == Provider.WORKABLE:
        return str((payload.get("data") or {}).get("id", ""))
    if provider == Provider.GREENHOUSE:
        return str(((payload.get("payload") or {}).get("application") or {}).get("id", ""))
    if provider == Provider.LEVER:
        return str((payload.get("data") or {}).get("opportunityId", ""))
    if provider == Provider.ZOHO:
        return f"{payload.get('candidate_id', '')}:{payload.get('job_id', '')}"
    return ""
