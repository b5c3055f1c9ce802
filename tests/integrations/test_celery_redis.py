"""End to end with a real Celery worker consuming from Redis (not eager): commit -> broker
-> worker -> sandbox over HTTP, with 20 % server errors and the Redis rate limiter.

Skipped only when Redis is unreachable; marked ``services`` so CI (which has Redis) runs it."""

from __future__ import annotations

import os
import time
import uuid

import pytest
import redis
from django.db import OperationalError, transaction

from integrations.models import SyncEvent
from tests.integrations.conftest import link_sandbox

REDIS_URL = os.environ.get("HB_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not _redis_available() and not os.environ.get("CI"), reason=f"Redis not reachable at {REDIS_URL}"
    ),
]


@pytest.fixture
def celery_worker_on_redis(settings):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    client = redis.Redis.from_url(REDIS_URL)
    stale_buckets = client.keys("hireboard:ats-rate:*")
    if stale_buckets:
        client.delete(*stale_buckets)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ATS_RATE_LIMIT_REDIS_URL = REDIS_URL
    # A queue of our own: other suites may share this Redis database and run workers on it.
    queue_name = f"hb-integrations-{uuid.uuid4().hex[:8]}"
    keys = ("broker_url", "task_always_eager", "result_backend", "broker_transport_options", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=REDIS_URL,
        task_always_eager=False,
        result_backend=None,
        broker_transport_options={"visibility_timeout": 60},
        task_default_queue=queue_name,
    )
    _fresh_pools(app)  # publish to this broker, not through pools built for an earlier one
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
    try:
        # One worker thread: the in-memory SQLite test database locks whole tables between
        # threads; on PostgreSQL (CI) any concurrency works.
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=20, queues=[queue_name]
        ):
            yield app
    finally:
        app.conf.update(saved)
        app.pool.force_close_all()
        leftovers = [
            *client.scan_iter(f"*{queue_name}*"),  # the queue, its bindings and delayed retries
            *client.scan_iter("hireboard:ats-rate:*"),
        ]
        if leftovers:
            client.delete(*leftovers)
        # A closed pool stays closed: let the next publisher build fresh pools.
        app._pool = None
        app.amqp._producer_pool = None


def _fresh_pools(app) -> None:
    """Celery caches its connection pool, queues, routes and producer pool per app; after
    the broker URL or the default queue changes (or a pool was closed), rebuild them."""
    app._pool = None
    # The AMQP helper caches the default queue, routes and producer pool: start it afresh.
    app.__dict__.pop("amqp", None)


def _retrying(read):
    for _ in range(50):
        try:
            return read()
        except OperationalError:  # "database table is locked" while the worker writes
            time.sleep(0.05)
    return read()


def _undelivered() -> bool:
    return _retrying(lambda: SyncEvent.objects.unscoped().filter(status__in=SyncEvent.UNDELIVERED).exists())


def test_real_worker_delivers_every_move_exactly_once(org_world, run_sandbox, celery_worker_on_redis):
    running = run_sandbox("workable", rate_limit=30, rate_window=1.0)
    linked = link_sandbox(org_world, running, rate=25.0)
    running.app.configure(fail_rate=0.2)
    targets = ["Assessment", "Interview", "Offer"]
    applications = []
    with transaction.atomic():  # messages go to the broker when this commits
        for n in range(6):
            application = linked.apply(email=f"w{n}@example.test", name=f"Worker Test {n}")
            linked.move(application, targets[n % 3])
            applications.append(application)
    deadline = time.monotonic() + 90
    while _undelivered() and time.monotonic() < deadline:
        time.sleep(0.5)
    statuses = _retrying(lambda: list(SyncEvent.objects.unscoped().values_list("status", flat=True)))
    assert set(statuses) == {"delivered"}, statuses
    for n, application in enumerate(applications):
        assert linked.remote_stage_name(application) == targets[n % 3]
        assert len(linked.remote(application)["moves"]) == 1
    assert running.app.stats()["applications_created"] == 6
    assert running.app.stats().get("5xx", 0) > 0  # the faults really happened
