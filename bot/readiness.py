"""Readiness: whether this replica can serve, checked against the servers it really uses."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .logs import redact
from .settings import Settings

READINESS_TIMEOUT_SECONDS = 2.0


def _check(probe: Callable[[], None]) -> str:
    try:
        probe()
    except Exception as exc:
        return redact(f"error: {type(exc).__name__}: {exc}")[:300]
    return "ok"


_redis_clients: dict[str, Any] = {}
_redis_lock = threading.Lock()


def _redis_ping(url: str) -> None:
    import redis

    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            client = redis.Redis.from_url(
                url,
                socket_timeout=READINESS_TIMEOUT_SECONDS,
                socket_connect_timeout=READINESS_TIMEOUT_SECONDS,
            )
            _redis_clients[url] = client
    if not client.ping():
        raise RuntimeError("PING did not answer PONG")


def readiness(settings: Settings | None = None, state: Any = None) -> dict[str, Any]:
    """Whether this replica can serve: the installation store (if OAuth is on) and Redis (if set) answer.

    Returns {"ready": bool, "checks": {"installation_store": "ok" | "not configured" | "error: ...",
    "redis": ...}}. The HTTP server answers /readyz with 200 when ready, else 503, and this as the body.
    `settings` defaults to `Settings.from_env()`. `state`: the app's shared state (bot.state); when given,
    Redis is checked through its own connection, the one the bot really uses; a replica answering from
    memory while Redis is down reports "degraded: ..." and stays ready.
    """
    from . import oauth  # loads the database layer, needed only with OAuth on

    settings = settings if settings is not None else Settings.from_env()
    checks: dict[str, str] = {}
    if settings.oauth_enabled:
        checks["installation_store"] = _check(lambda: oauth.ping_database(oauth.database_url(settings)))
    else:
        checks["installation_store"] = "not configured"
    redis_url = settings.redis_url
    if not redis_url:
        checks["redis"] = "not configured"
    elif state is not None and hasattr(state, "status"):
        checks["redis"] = state.status()  # "degraded: ..." while the bot answers from memory
    elif state is not None and hasattr(state, "ping"):
        checks["redis"] = _check(state.ping)
    else:
        checks["redis"] = _check(lambda: _redis_ping(redis_url))
    # A replica answering from memory while Redis is down still serves: taking every replica out of the
    # load balancer then would silence the bot.
    ready = all(
        value in ("ok", "not configured") or value.startswith("degraded") for value in checks.values()
    )
    return {"ready": ready, "checks": checks}
