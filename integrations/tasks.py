"""Thin Celery wrappers: fetch by id, call the service. Delivery is acks-late, so a worker
killed mid-task leaves the message to be redelivered; the service's claim/lease and its
remote-state check make the redelivery harmless."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import OperationalError as DatabaseOperationalError

from .models import AtsConnection
from .providers.base import ProviderError, RetryableError

logger = logging.getLogger(__name__)

BACKOFF_FACTOR = 2
BACKOFF_MAX = 600


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=20, ignore_result=True)
def deliver_sync_event(self, event_id: int) -> str:
    from . import services

    try:
        return services.deliver_event(event_id=event_id, worker_id=self.request.id or f"local-{event_id}")
    except RetryableError as exc:
        # Celery's own backoff-with-full-jitter, but never sooner than the ATS's Retry-After.
        raise self.retry(exc=exc, countdown=max(_backoff(self), exc.retry_after or 0)) from exc
    except DatabaseOperationalError as exc:
        # A database blip (lock timeout, failover): the retry carries the same task id, so
        # it resumes its own claim and checks the remote state before sending again.
        raise self.retry(exc=exc, countdown=_backoff(self)) from exc


def _backoff(task) -> float:
    return get_exponential_backoff_interval(BACKOFF_FACTOR, task.request.retries, BACKOFF_MAX, full_jitter=True)


@shared_task(ignore_result=True)
def sweep_sync_events() -> int:
    from . import services

    return services.sweep_stale_events()


@shared_task(bind=True, acks_late=True, max_retries=5, ignore_result=True)
def process_webhook_event(self, webhook_event_id: int) -> str:
    from . import services

    try:
        return services.process_webhook(webhook_event_id=webhook_event_id)
    except RetryableError as exc:
        raise self.retry(exc=exc, countdown=max(_backoff(self), exc.retry_after or 0)) from exc


@shared_task(ignore_result=True)
def pull_remote_changes() -> int:
    from . import services

    moved = 0
    for connection in AtsConnection.objects.unscoped().filter(status=AtsConnection.Status.ACTIVE):
        try:
            moved += services.pull_remote_changes(connection=connection)
        except ProviderError as exc:
            logger.warning("pull from %s failed: %s", connection, exc)
    return moved


@shared_task(ignore_result=True)
def import_jobs_task(connection_id: int, actor_id: int) -> str:
    from dashboard.models import User

    from . import services

    connection = AtsConnection.objects.unscoped().get(pk=connection_id)
    actor = User.objects.get(pk=actor_id)
    try:
        result = services.import_jobs(connection=connection, actor=actor)
    except ProviderError as exc:
        services._note_connection_error(connection, exc.provider_message)
        return f"failed: {exc.provider_message}"
    return f"{result.created} created, {result.updated} updated"
