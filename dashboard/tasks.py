from celery.utils.time import get_exponential_backoff_interval

from config.api_framework import purge_expired_idempotency_records
from config.celery import app
from dashboard import webhooks_out
from dashboard.models import WebhookDelivery

# 60 s, 2 min, 4 min, … capped at an hour, with full jitter: about 60 attempts span the
# 24-hour retry window, after which attempt_delivery gives up on its own.
WEBHOOK_MAX_RETRIES = 60


@app.task(bind=True, max_retries=WEBHOOK_MAX_RETRIES, retry_backoff=60, retry_backoff_max=3600, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> None:
    delivery = WebhookDelivery.objects.unscoped().select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.is_finished:
        return
    try:
        webhooks_out.attempt_delivery(delivery=delivery, last_try=self.request.retries >= self.max_retries)
    except webhooks_out.DeliveryFailed as failure:
        # Celery's own retry and backoff (what autoretry_for does), with the factors read
        # from the task when it runs rather than frozen when it is defined.
        countdown = get_exponential_backoff_interval(
            factor=self.retry_backoff, retries=self.request.retries, maximum=self.retry_backoff_max, full_jitter=True
        )
        raise self.retry(exc=failure, countdown=countdown)


@app.task(name="dashboard.api_housekeeping", acks_late=True, ignore_result=True)
def api_housekeeping() -> None:
    purge_expired_idempotency_records()
    webhooks_out.purge_delivery_log()


@app.task(name="dashboard.redeliver_stuck_webhooks", acks_late=True, ignore_result=True)
def redeliver_stuck_webhooks() -> None:
    webhooks_out.redeliver_stuck()
