"""Outbound webhooks: admins register endpoints; events become signed JSON POSTs.

An event writes one WebhookDelivery row per subscribed endpoint inside the transaction
that caused it (so a rolled-back move announces nothing), and enqueues the delivery task
after commit. The task (dashboard/tasks.py) retries with Celery's exponential backoff for
up to 24 hours; an endpoint that keeps failing is switched off and the admins are told.

Signature: ``X-Hireboard-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from candidates.signals import application_created, application_moved
from config.tasks import enqueue_now, enqueue_on_commit
from dashboard.audit import services as audit
from dashboard.events import resume_scored, screening_completed, test_log_created
from dashboard.models import Organization, User, WebhookDelivery, WebhookEndpoint
from integrations.crypto import DecryptionError, decrypt_json, encrypt_json

logger = logging.getLogger(__name__)

Event = WebhookEndpoint.Event
TEST_EVENT = "webhook.test"
SIGNATURE_HEADER = "X-Hireboard-Signature"
RETRY_WINDOW = timedelta(hours=24)
RESPONSE_EXCERPT_CHARS = 2000
MAX_ENDPOINTS_PER_ORG = 20
DELIVERY_LOG_KEEP_FOR = timedelta(days=30)
# A delivery still pending after this never reached a worker (broker down at commit time).
PENDING_STUCK_AFTER = timedelta(minutes=5)
# Celery's backoff waits at most an hour between attempts; a retry silent for twice that was lost.
RETRY_LOST_AFTER = timedelta(hours=2)
SWEEP_BATCH = 500


class DeliveryFailed(Exception):
    """One attempt failed in a way that a later attempt may not (the task retries)."""


# --- the endpoint's URL and secret -------------------------------------------------------


def _address_is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_webhook_url(url: str) -> None:
    """Only http(s); and unless WEBHOOKS_ALLOW_PRIVATE_URLS, no host that resolves to a
    loopback, private, link-local or otherwise non-public address (SSRF)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https"):
        raise ValidationError({"url": "Only http:// and https:// URLs can receive webhooks."})
    if not parts.hostname:
        raise ValidationError({"url": "The URL needs a host name."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Put credentials in the signing secret, not in the URL."})
    if settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError, ValueError):
        raise ValidationError({"url": f"The host {parts.hostname} cannot be resolved."})
    if any(_address_is_private(address) for address in addresses):
        raise ValidationError({"url": "Webhooks cannot be sent to loopback or private network addresses."})


def _clean_events(events) -> list[str]:
    allowed = set(Event.values)
    chosen = [event for event in dict.fromkeys(events or []) if event]
    unknown = [event for event in chosen if event not in allowed]
    if unknown:
        raise ValidationError({"events": f"Unknown events: {', '.join(unknown)}."})
    if not chosen:
        raise ValidationError({"events": "Choose at least one event."})
    return chosen


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return decrypt_json(endpoint.secret_encrypted)["secret"]


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# --- admin use cases ---------------------------------------------------------------------


@transaction.atomic
def create_webhook_endpoint(
    *, org: Organization, actor: User, url: str, events: list[str], description: str = "", secret: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (generated when not given)."""
    url = (url or "").strip()
    check_webhook_url(url)
    if WebhookEndpoint.objects.filter(org=org).count() >= MAX_ENDPOINTS_PER_ORG:
        raise ValidationError(f"An organisation can have at most {MAX_ENDPOINTS_PER_ORG} webhook endpoints.")
    secret = (secret or "").strip() or "whsec_" + secrets.token_urlsafe(32)
    if len(secret) < 16:
        raise ValidationError({"secret": "A signing secret needs at least 16 characters."})
    endpoint = WebhookEndpoint.objects.create(
        org=org,
        url=url,
        description=(description or "").strip()[:200],
        events=_clean_events(events),
        secret_encrypted=encrypt_json({"secret": secret}),
        created_by=actor,
    )
    audit.record(
        action=audit.Action.WEBHOOK_CHANGED,
        actor=actor,
        org=org,
        target=endpoint,
        details={"change": "created", "url": url},
    )
    return endpoint, secret


@transaction.atomic
def update_webhook_endpoint(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    url = (url or "").strip()
    check_webhook_url(url)
    endpoint.url = url
    endpoint.events = _clean_events(events)
    endpoint.description = (description or "").strip()[:200]
    endpoint.save(update_fields=["url", "events", "description", "updated_at"])
    audit.record(
        action=audit.Action.WEBHOOK_CHANGED,
        org=endpoint.org,
        target=endpoint,
        details={"change": "updated", "url": url},
    )
    return endpoint


@transaction.atomic
def set_webhook_endpoint_active(*, endpoint: WebhookEndpoint, active: bool, reason: str = "") -> WebhookEndpoint:
    endpoint.is_active = active
    endpoint.consecutive_failures = 0 if active else endpoint.consecutive_failures
    endpoint.disabled_at = None if active else timezone.now()
    endpoint.disabled_reason = "" if active else reason[:300]
    endpoint.save(update_fields=["is_active", "consecutive_failures", "disabled_at", "disabled_reason", "updated_at"])
    return endpoint


@transaction.atomic
def delete_webhook_endpoint(*, endpoint: WebhookEndpoint) -> None:
    audit.record(action=audit.Action.WEBHOOK_CHANGED, org=endpoint.org, target=endpoint, details={"change": "deleted"})
    endpoint.delete()


@transaction.atomic
def send_test_event(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint only, whatever it subscribes to."""
    data = {"message": "This is a test event from Hireboard.", "endpoint_id": endpoint.pk}
    return _create_delivery(endpoint=endpoint, event_type=TEST_EVENT, data=data)


# --- events ------------------------------------------------------------------------------


def _create_delivery(*, endpoint: WebhookEndpoint, event_type: str, data: dict) -> WebhookDelivery:
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "created_at": timezone.now().isoformat(),
        "data": json.loads(json.dumps(data, cls=JSONEncoder)),
    }
    delivery = WebhookDelivery.objects.create(
        org_id=endpoint.org_id, endpoint=endpoint, event_id=event_id, event_type=event_type, payload=payload
    )
    from dashboard.tasks import deliver_webhook

    # A broker outage at commit time does not fail the change: redeliver_stuck picks it up.
    enqueue_on_commit(deliver_webhook, delivery.pk)
    return delivery


def queue_event(*, org_id: int, event_type: str, data: dict) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the org that subscribes to the event."""
    endpoints = WebhookEndpoint.objects.filter(org_id=org_id).subscribed_to(event_type)
    return [_create_delivery(endpoint=endpoint, event_type=event_type, data=data) for endpoint in endpoints]


def _application_data(application) -> dict:
    from candidates.api import ApplicationSerializer

    return ApplicationSerializer(application).data


@receiver(application_created, dispatch_uid="webhooks.application_created")
def _on_application_created(sender, application, **kwargs):
    queue_event(
        org_id=application.org_id,
        event_type=Event.APPLICATION_CREATED,
        data={"application": _application_data(application)},
    )


@receiver(application_moved, dispatch_uid="webhooks.application_moved")
def _on_application_moved(sender, application, stage_change, **kwargs):
    from candidates.api import StageChangeSerializer

    queue_event(
        org_id=application.org_id,
        event_type=Event.APPLICATION_STAGE_CHANGED,
        data={"application": _application_data(application), "change": StageChangeSerializer(stage_change).data},
    )


@receiver(resume_scored, dispatch_uid="webhooks.resume_scored")
def _on_resume_scored(sender, resume, **kwargs):
    from screening.api import resume_row

    queue_event(org_id=resume.org_id, event_type=Event.RESUME_SCORED, data={"resume": resume_row(resume, detail=False)})


@receiver(screening_completed, dispatch_uid="webhooks.screening_completed")
def _on_screening_completed(sender, screening, **kwargs):
    data = {
        "screening": {
            "id": screening.pk,
            "candidate_id": screening.candidate_id,
            "job_id": screening.job_id,
            "instrument": str(screening.instrument),
            "status": screening.status,
            "trait_scores": screening.trait_scores,
            "completed_at": screening.completed_at,
        }
    }
    queue_event(org_id=screening.org_id, event_type=Event.SCREENING_COMPLETED, data=data)


@receiver(test_log_created, dispatch_uid="webhooks.test_log_created")
def _on_test_log_created(sender, test_log, **kwargs):
    from screening.api import TestLogSerializer

    queue_event(
        org_id=test_log.org_id, event_type=Event.TEST_LOG_CREATED, data={"test_log": TestLogSerializer(test_log).data}
    )


# --- delivery ----------------------------------------------------------------------------


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def attempt_delivery(*, delivery: WebhookDelivery, last_try: bool = False) -> None:
    """POST the event once. Raises DeliveryFailed when a later attempt should follow."""
    endpoint = delivery.endpoint
    if delivery.is_finished:
        return
    if not endpoint.is_active:
        _finish(delivery, WebhookDelivery.Status.FAILED, error="The endpoint is disabled.")
        return
    if timezone.now() - delivery.created_at > RETRY_WINDOW:
        _finish(delivery, WebhookDelivery.Status.FAILED, error="Gave up after 24 hours of retries.")
        return
    try:
        secret = endpoint_secret(endpoint)
    except DecryptionError:
        _finish(
            delivery, WebhookDelivery.Status.FAILED, error="The signing secret cannot be decrypted (keys changed?)."
        )
        return
    body = delivery_body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Hireboard-Webhooks/1.0",
        "X-Hireboard-Event": delivery.event_type,
        "X-Hireboard-Delivery": str(delivery.event_id),
        SIGNATURE_HEADER: sign(secret=secret, timestamp=timestamp, body=body),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    response_status, response_text, error = None, "", ""
    try:
        # Checked at every attempt: the name may resolve elsewhere than when it was registered.
        check_webhook_url(endpoint.url)
        # Streamed, and only the start of the answer is read: a receiver cannot make us
        # download an endless body.
        with requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        ) as response:
            response_status = response.status_code
            excerpt = response.raw.read(RESPONSE_EXCERPT_CHARS, decode_content=True) or b""
            response_text = excerpt.decode("utf-8", errors="replace")
    except ValidationError as exc:
        error = "; ".join(exc.messages)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        # Reading the streamed answer raises urllib3's and the socket's own errors; the
        # status, when it arrived, still decides.
        error = f"{type(exc).__name__}: {exc}"[:500]
    if response_status is not None and 200 <= response_status < 300:
        _record_success(delivery, response_status, response_text)
        return
    error = error or f"The endpoint answered HTTP {response_status}."
    _record_failure(delivery, response_status, response_text, error, last_try=last_try)
    if not last_try:
        raise DeliveryFailed(error)


def _finish(delivery: WebhookDelivery, status: str, *, error: str = "") -> None:
    delivery.status = status
    delivery.error = error[:500]
    delivery.save(update_fields=["status", "error"])


@transaction.atomic
def _record_success(delivery: WebhookDelivery, response_status: int, response_text: str) -> None:
    delivery.status = WebhookDelivery.Status.SUCCEEDED
    delivery.response_status = response_status
    delivery.response_body = response_text
    delivery.error = ""
    delivery.delivered_at = timezone.now()
    delivery.save()
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)


@transaction.atomic
def _record_failure(
    delivery: WebhookDelivery, response_status: int | None, response_text: str, error: str, *, last_try: bool
) -> None:
    delivery.status = WebhookDelivery.Status.FAILED if last_try else WebhookDelivery.Status.RETRYING
    delivery.response_status = response_status
    delivery.response_body = response_text
    delivery.error = error[:500]
    delivery.save()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    endpoint.consecutive_failures += 1
    endpoint.save(update_fields=["consecutive_failures"])
    if endpoint.is_active and endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        reason = f"Disabled after {endpoint.consecutive_failures} failed deliveries in a row (last: {error})."
        set_webhook_endpoint_active(endpoint=endpoint, active=False, reason=reason)
        transaction.on_commit(lambda: _notify_admins_of_disabling(endpoint.pk))


def _notify_admins_of_disabling(endpoint_id: int) -> None:
    endpoint = WebhookEndpoint.objects.unscoped().select_related("org").get(pk=endpoint_id)
    admins = User.objects.filter(org_id=endpoint.org_id, role=User.Role.ADMIN, is_active=True)
    recipients = [admin.email for admin in admins]
    if not recipients:
        return
    from django.urls import reverse

    link = settings.SITE_URL + reverse("settings:webhook_detail", args=[endpoint.pk])
    send_mail(
        subject=f"Hireboard: webhook endpoint {endpoint.url} was disabled",
        message=(
            f"{endpoint.disabled_reason}\n\nNo more events are sent to it. Fix the receiver, then enable it "
            f"again and send a test event: {link}"
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )


def purge_delivery_log() -> int:
    """Finished deliveries older than DELIVERY_LOG_KEEP_FOR leave the log."""
    cutoff = timezone.now() - DELIVERY_LOG_KEEP_FOR
    finished = (WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED)
    deleted, _ = WebhookDelivery.objects.unscoped().filter(created_at__lt=cutoff, status__in=finished).delete()
    return deleted


def redeliver_stuck() -> int:
    """Enqueue again the deliveries whose task was never published or whose retry was lost.

    Receivers may then see an event twice; X-Hireboard-Delivery lets them ignore the repeat.
    """
    now = timezone.now()
    stuck = WebhookDelivery.objects.unscoped().filter(
        Q(status=WebhookDelivery.Status.PENDING, created_at__lt=now - PENDING_STUCK_AFTER)
        | Q(status=WebhookDelivery.Status.RETRYING, last_attempt_at__lt=now - RETRY_LOST_AFTER)
    )
    from dashboard.tasks import deliver_webhook

    delivery_ids = list(stuck.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return sum(enqueue_now(deliver_webhook, delivery_id) for delivery_id in delivery_ids)
