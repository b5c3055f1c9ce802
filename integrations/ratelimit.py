"""Per-connection token bucket shared by every worker.

With Redis (``ATS_RATE_LIMIT_REDIS_URL``, else a ``redis://`` Celery broker) the bucket is a
Lua script, atomic across machines and timed by the Redis clock. Without Redis (the embedded
default) it is a row in the database updated under a row lock: correct for the worker
processes of one machine sharing that database.

``reserve`` books the next free slot and returns how long to wait for it, so callers pace
themselves smoothly instead of hammering and backing off; a slot further away than
``max_wait`` is not booked and the caller is told to come back later.
"""

from __future__ import annotations

import time
from functools import cache

import redis
from django.conf import settings
from django.db import transaction

from .providers.base import RateLimited

_RESERVE_LUA = """
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate)
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) / rate
end
if wait <= max_wait then
  tokens = tokens - 1
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', key, math.ceil((capacity + 1) / rate * 1000) + 60000)
return tostring(wait)
"""


def redis_url() -> str:
    explicit = getattr(settings, "ATS_RATE_LIMIT_REDIS_URL", "")
    if explicit:
        return explicit
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    return broker if broker.startswith(("redis://", "rediss://")) else ""


@cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


class RedisTokenBucket:
    def __init__(self, url: str):
        self.client = _redis_client(url)
        self.script = self.client.register_script(_RESERVE_LUA)

    def reserve(self, key: str, *, rate: float, capacity: float, max_wait: float) -> float:
        return float(self.script(keys=[f"hireboard:ats-rate:{key}"], args=[rate, capacity, max_wait]))


class DatabaseTokenBucket:
    def reserve(self, key: str, *, rate: float, capacity: float, max_wait: float) -> float:
        from .models import RateBucket

        connection_id = int(key)
        with transaction.atomic():
            now = time.time()
            bucket, _ = RateBucket.objects.select_for_update().get_or_create(
                connection_id=connection_id, defaults={"tokens": capacity, "updated": now}
            )
            tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
            wait = (1 - tokens) / rate if tokens < 1 else 0.0
            if wait <= max_wait:
                tokens -= 1
            bucket.tokens, bucket.updated = tokens, now
            bucket.save(update_fields=["tokens", "updated"])
        return wait


def get_limiter() -> RedisTokenBucket | DatabaseTokenBucket:
    url = redis_url()
    return RedisTokenBucket(url) if url else DatabaseTokenBucket()


def throttle_for(connection_id: int, rate: float, *, capacity: float = 1.0, max_wait: float = 20.0):
    """A callable for ``HttpClient(throttle=...)``: sleeps until this request's slot, or
    raises ``RateLimited`` (retry later) when the queue is longer than ``max_wait``."""
    limiter = get_limiter()

    def throttle() -> None:
        if rate <= 0:
            return
        wait = limiter.reserve(str(connection_id), rate=rate, capacity=capacity, max_wait=max_wait)
        if wait > max_wait:
            raise RateLimited(f"local rate limit: next slot in {wait:.1f} s", retry_after=wait)
        if wait > 0:
            time.sleep(wait)

    return throttle
