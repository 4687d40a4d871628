"""Where DNS answers are kept between diagnoses: in memory, or in Redis shared by replicas.

An answer is kept for its TTL clamped to one minute .. one hour, negative answers too (RFC 2308),
so a burst of bounces about one domain asks the DNS once, and a record fixed a minute ago is read
again soon.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Protocol

MIN_TTL = 60
MAX_TTL = 3600


def clamp_ttl(ttl: float) -> int:
    return int(min(max(ttl, MIN_TTL), MAX_TTL))


class AnswerCache(Protocol):
    def get(self, key: str) -> Any | None: ...

    def put(self, key: str, value: Any, ttl: float) -> None: ...


class MemoryCache:
    """A dictionary with expiry times; bounded so a stream of distinct names cannot grow it forever."""

    def __init__(self, limit: int = 10_000) -> None:
        self._items: dict[str, tuple[float, Any]] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= time.monotonic():
                del self._items[key]
                return None
            return item[1]

    def put(self, key: str, value: Any, ttl: float) -> None:
        with self._lock:
            if len(self._items) >= self._limit:
                now = time.monotonic()
                self._items = {k: v for k, v in self._items.items() if v[0] > now}
                if len(self._items) >= self._limit:
                    self._items.pop(next(iter(self._items)))
            self._items[key] = (time.monotonic() + clamp_ttl(ttl), value)


class RedisCache:
    """Answers as JSON under `smtpbot:dns:`, expired by Redis itself."""

    def __init__(self, url: str, prefix: str = "smtpbot:dns:") -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._prefix = prefix

    def get(self, key: str) -> Any | None:
        try:
            raw = self._redis.get(self._prefix + key)
        except Exception:  # a Redis outage costs a fresh lookup, never the diagnosis
            return None
        return None if raw is None else json.loads(raw)

    def put(self, key: str, value: Any, ttl: float) -> None:
        try:
            self._redis.set(self._prefix + key, json.dumps(value), ex=clamp_ttl(ttl))
        except Exception:
            return
