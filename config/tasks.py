"""Enqueueing that never breaks the request that asked for it.

Work is enqueued after the transaction commits. If the broker is down at that moment the
request still succeeds: the row that describes the work (an outbox event, a pending
resume, a delivery) is already committed, and a periodic sweep enqueues it again later.
Publishing gives up quickly instead of hanging the page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# One quick retry, then give up: the sweeps are the safety net, not the request.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue_now(task, *args: Any, **kwargs: Any) -> bool:
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep re-enqueues
        logger.warning("Could not enqueue %s%r; the periodic sweep will pick it up", task.name, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: enqueue_now(task, *args, **kwargs))
