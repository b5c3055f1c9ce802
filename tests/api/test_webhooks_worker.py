"""Webhook delivery with a real Celery worker on Redis (not eager): commit -> broker ->
worker -> receiver over HTTP, failing twice, retried by Celery with exponential backoff."""

import json
import os
import time

import pytest

from dashboard import webhooks_out
from dashboard.models import WebhookDelivery
from dashboard.tasks import deliver_webhook
from tests.api.test_webhooks import ALL_EVENTS, Receiver, docs_signature_verifier
from tests.integrations.test_celery_redis import REDIS_URL, _redis_available, _retrying, celery_worker_on_redis

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not _redis_available() and not os.environ.get("CI"), reason=f"Redis not reachable at {REDIS_URL}"
    ),
]

__all__ = ["celery_worker_on_redis"]  # the shared worker fixture


def test_a_real_worker_retries_until_the_receiver_recovers(world, settings, monkeypatch, celery_worker_on_redis):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    # Seconds instead of minutes between attempts; the mechanism is Celery's own backoff.
    monkeypatch.setattr(deliver_webhook, "retry_backoff", 1)
    monkeypatch.setattr(deliver_webhook, "retry_backoff_max", 2)
    receiver = Receiver()
    receiver.statuses = [500, 503]
    try:
        endpoint, secret = webhooks_out.create_webhook_endpoint(
            org=world.org_a, actor=world.admin, url=receiver.url, events=ALL_EVENTS
        )
        delivery = webhooks_out.send_test_event(endpoint=endpoint)  # enqueued on commit (autocommit here)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = _retrying(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status)
            if status == WebhookDelivery.Status.SUCCEEDED:
                break
            time.sleep(0.2)
    finally:
        receiver.close()
    delivery = _retrying(lambda: WebhookDelivery.objects.get(pk=delivery.pk))
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 3 and len(receiver.requests) == 3
    verify = docs_signature_verifier()
    for request in receiver.requests:
        assert verify(secret, request["body"], request["headers"]["X-Hireboard-Signature"])
        assert json.loads(request["body"])["id"] == str(delivery.event_id)
