"""The per-connection token bucket: Redis (Lua) and the database fallback pace alike."""

from __future__ import annotations

import time

import pytest
import redis

from integrations.providers.base import RateLimited
from integrations.ratelimit import DatabaseTokenBucket, RedisTokenBucket, throttle_for

REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis_ok() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _check_pacing(bucket, key: str) -> None:
    waits = [bucket.reserve(key, rate=10.0, capacity=1.0, max_wait=5.0) for _ in range(5)]
    assert waits[0] == 0.0  # a full bucket grants at once
    # each further reservation queues 1/rate behind the previous one
    for earlier, later in zip(waits[1:], waits[2:], strict=False):
        assert later - earlier == pytest.approx(0.1, abs=0.03)
    # a slot beyond max_wait is reported but not booked
    far = bucket.reserve(key, rate=0.1, capacity=1.0, max_wait=1.0)
    assert far > 1.0


@pytest.mark.django_db
def test_database_bucket_paces_requests(linked):
    from integrations.models import RateBucket

    RateBucket.objects.filter(connection=linked.connection).delete()  # the import used it
    _check_pacing(DatabaseTokenBucket(), str(linked.connection.pk))


@pytest.mark.services
@pytest.mark.skipif(not _redis_ok(), reason="Redis not reachable")
def test_redis_bucket_paces_requests():
    key = f"test-{time.time_ns()}"
    _check_pacing(RedisTokenBucket(REDIS_URL), key)
    redis.Redis.from_url(REDIS_URL).delete(f"hireboard:ats-rate:{key}")


@pytest.mark.django_db
def test_throttle_sleeps_then_refuses_a_long_queue(linked, settings):
    from integrations.models import RateBucket

    settings.ATS_RATE_LIMIT_REDIS_URL = ""
    settings.CELERY_BROKER_URL = "filesystem://"  # no Redis at all: the database bucket
    RateBucket.objects.filter(connection=linked.connection).delete()
    throttle = throttle_for(linked.connection.pk, 5.0, max_wait=0.5)
    started = time.monotonic()
    throttle()
    throttle()
    assert 0.18 <= time.monotonic() - started < 0.8  # the second call waited its 1/5 s slot
    bucket = DatabaseTokenBucket()
    for _ in range(4):  # other workers book the next 0.8 s
        bucket.reserve(str(linked.connection.pk), rate=5.0, capacity=1.0, max_wait=5.0)
    with pytest.raises(RateLimited) as caught:
        throttle()
    assert caught.value.retry_after > 0.5
