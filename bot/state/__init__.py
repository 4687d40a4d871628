"""Shared state: in-process memory by default, Redis when REDIS_URL is set (see base.py)."""

from __future__ import annotations

from .base import FloodHit, FloodState, JournalEntry, SharedState
from .memory import MemoryState


def build_state(redis_url: str | None, prefix: str | None = None) -> SharedState:
    """RedisState for a REDIS_URL (in memory while Redis is unreachable: see fallback.py), else
    MemoryState."""
    if not redis_url:
        return MemoryState()
    from .fallback import FallbackState
    from .redis_state import DEFAULT_PREFIX, RedisState

    return FallbackState(RedisState.from_url(redis_url, prefix or DEFAULT_PREFIX))


__all__ = ["FloodHit", "FloodState", "JournalEntry", "MemoryState", "SharedState", "build_state"]
