"""Shared state for one process: dictionaries behind one lock, entries expiring lazily."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .base import FloodHit, FloodState, JournalEntry

# Expired entries are swept when this many writes have happened since the last sweep.
SWEEP_EVERY = 1000


class MemoryState:
    """The in-process implementation of `SharedState` (the default without REDIS_URL)."""

    name = "memory"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, float]] = {}  # key -> (value, expires at)
        self._journal: dict[str, list] = {}  # job id -> [payload, lease until, attempts]
        self._floods: dict[str, dict] = {}
        self._stale: dict[str, float] = {}  # flood key -> since
        self._pace: dict[str, float] = {}  # channel -> next free slot
        self._writes = 0

    # --- helpers (lock held) --------------------------------------------------------------------

    def _live(self, key: str, now: float) -> str | None:
        item = self._values.get(key)
        if item is None:
            return None
        if item[1] <= now:
            del self._values[key]
            return None
        return item[0]

    def _wrote(self, now: float) -> None:
        self._writes += 1
        if self._writes < SWEEP_EVERY:
            return
        self._writes = 0
        for key in [k for k, (_, exp) in self._values.items() if exp <= now]:
            del self._values[key]
        for key in [k for k, f in self._floods.items() if f["expires"] <= now]:
            del self._floods[key]
            self._stale.pop(key, None)
        for channel in [c for c, slot in self._pace.items() if slot < now - 60]:
            del self._pace[channel]

    def _flood(self, key: str, now: float) -> dict | None:
        record = self._floods.get(key)
        if record is not None and record["expires"] <= now:
            del self._floods[key]
            self._stale.pop(key, None)
            return None
        return record

    @staticmethod
    def _view(record: dict) -> FloodState:
        return FloodState(
            count=len(record["members"]),
            first_seen=record["first_seen"],
            last_seen=record["last_seen"],
            answer_ts=record["ts"],
            shown=record["shown"],
        )

    # --- journal ----------------------------------------------------------------------------------

    def accept(
        self, job_id: str, payload: str, dedup_keys: tuple[str, ...], dedup_ttl: float, lease: float
    ) -> bool:
        with self._lock:
            now = self._clock()
            if any(self._live(k, now) is not None for k in dedup_keys):
                return False
            for key in dedup_keys:
                self._values[key] = (job_id, now + dedup_ttl)
            self._journal[job_id] = [payload, now + lease, 1]
            self._wrote(now)
            return True

    def finish(self, job_id: str) -> None:
        with self._lock:
            self._journal.pop(job_id, None)

    def renew(self, job_ids: tuple[str, ...], lease: float) -> None:
        with self._lock:
            until = self._clock() + lease
            for job_id in job_ids:
                entry = self._journal.get(job_id)
                if entry is not None:
                    entry[1] = until

    def reclaim(self, lease: float, limit: int) -> list[JournalEntry]:
        with self._lock:
            now = self._clock()
            taken = []
            for job_id, entry in self._journal.items():
                if len(taken) >= limit:
                    break
                if entry[1] <= now:
                    entry[1] = now + lease
                    entry[2] += 1
                    taken.append(JournalEntry(job_id, entry[0], entry[2]))
            return taken

    # --- values -----------------------------------------------------------------------------------

    def claim(self, key: str, ttl: float, owner: str = "1") -> bool:
        with self._lock:
            now = self._clock()
            held = self._live(key, now)
            if held is not None:
                return held == owner and owner != "1"
            self._values[key] = (owner, now + ttl)
            self._wrote(now)
            return True

    def put(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            now = self._clock()
            self._values[key] = (value, now + ttl)
            self._wrote(now)

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key, self._clock())

    # --- flood control ------------------------------------------------------------------------------

    def flood_hit(self, key: str, member: str, window: float, poster_lease: float) -> FloodHit:
        with self._lock:
            now = self._clock()
            record = self._flood(key, now)
            if record is None:
                record = {
                    "members": {member},
                    "first_seen": now,
                    "last_seen": now,
                    "ts": None,
                    "shown": 0,
                    "poster_until": now + poster_lease,
                    "poster": member,
                    "expires": now + window,
                }
                self._floods[key] = record
                self._wrote(now)
                return FloodHit(post=True, state=self._view(record))
            if member not in record["members"]:
                record["members"].add(member)
                record["last_seen"] = now
            post = False
            if record["ts"] is None and record["poster"] == member:
                post = True  # the first alert's job again, taken over from a replica that died
            elif record["ts"] is None and record["poster_until"] <= now:
                record["poster_until"] = now + poster_lease
                record["poster"] = member
                post = True
            if record["ts"] is not None and record["shown"] < len(record["members"]):
                self._stale.setdefault(key, now)
            return FloodHit(post=post, state=self._view(record))

    def flood_posted(self, key: str, answer_ts: str, shown: int) -> FloodState | None:
        with self._lock:
            record = self._flood(key, self._clock())
            if record is None:
                return None
            record["ts"] = answer_ts
            return self._mark_shown(key, record, shown)

    def flood_get(self, key: str) -> FloodState | None:
        with self._lock:
            record = self._flood(key, self._clock())
            return None if record is None else self._view(record)

    def flood_shown(self, key: str, shown: int) -> FloodState | None:
        with self._lock:
            record = self._flood(key, self._clock())
            return None if record is None else self._mark_shown(key, record, shown)

    def _mark_shown(self, key: str, record: dict, shown: int) -> FloodState:
        record["shown"] = max(record["shown"], shown)
        if shown >= len(record["members"]):
            self._stale.pop(key, None)
        else:
            self._stale.setdefault(key, self._clock())
        return self._view(record)

    def flood_stale(self, grace: float, limit: int) -> list[str]:
        with self._lock:
            now = self._clock()
            keys = []
            for key, since in list(self._stale.items()):
                if len(keys) >= limit:
                    break
                if self._flood(key, now) is None:
                    continue
                if since <= now - grace:
                    self._stale[key] = now
                    keys.append(key)
            return keys

    # --- pace ---------------------------------------------------------------------------------------

    def pace_reserve(self, channel: str, interval: float) -> float:
        with self._lock:
            now = self._clock()
            slot = max(now, self._pace.get(channel, 0.0))
            self._pace[channel] = slot + interval
            self._wrote(now)
            return slot - now

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None
