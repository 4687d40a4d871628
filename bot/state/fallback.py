"""Shared state that survives its server: Redis while it answers, this replica's memory while it does not.

With Redis unreachable or hung, every call fails fast (short socket timeouts, no retries) and the bot
carries on from a `MemoryState` of its own: it keeps answering, each replica de-duplicating alone, so a
Slack retry that reaches another replica during the outage may be answered twice (logged when a job is
accepted that way). Silence would be worse. A failed call answers from memory and starts a probe: a
ping with the longer timeout. If Redis does not answer it, the breaker opens: later calls skip Redis
at once, so nothing waits on a hung server for long, and the probe pings every `probe_interval`
seconds until Redis answers, then closes the breaker. One slow answer on a busy machine thus costs
one call, not a second of split state.

`finish`, `renew` and `reclaim` go to both stores, so a job is cleared wherever it was journaled. When
Redis answers again, the jobs accepted in memory and still running are journaled there too (another
replica finishes them if this one dies), those finished meanwhile are cleared from it, and no job is
taken over from Redis for a few seconds, so replicas renew what they are still working on first.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .base import FloodHit, FloodState, JournalEntry, SharedState
from .memory import MemoryState

log = logging.getLogger(__name__)

T = TypeVar("T")

PROBE_INTERVAL_SECONDS = 1.0
# After Redis returns, jobs whose leases ran out during the outage are not taken over for this long:
# their replicas renew them at their next heartbeat (or clear them, below) first.
RECLAIM_GRACE_SECONDS = 5.0
# Jobs finished while Redis was down are cleared from its journal when it returns (at most this many).
MAX_UNFINISHED = 10_000


class FallbackState:
    """`SharedState` on `primary`, falling back to a per-replica `MemoryState` while it fails."""

    def __init__(
        self,
        primary: SharedState,
        probe_interval: float = PROBE_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.local = MemoryState()
        self.name = f"{primary.name} (memory while down)"
        self.probe_interval = probe_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._last_error = ""
        self._closed = threading.Event()
        self._prober: threading.Thread | None = None
        self._unfinished: set[str] = set()  # finished while Redis was down: still in its journal
        self._accepted_locally: dict[str, tuple] = {}  # job id -> accept's arguments, while not in Redis
        self._reclaim_after = 0.0

    # --- the breaker -------------------------------------------------------------------------------

    @property
    def degraded(self) -> bool:
        with self._lock:
            return self._down_since is not None

    def status(self) -> str:
        """What /readyz shows: "ok", or "degraded: ..." with how long Redis has been unreachable."""
        self.ping()
        with self._lock:
            if self._down_since is None:
                return "ok"
            seconds = self._clock() - self._down_since
            error = self._last_error
        return f"degraded: unreachable for {seconds:.0f}s ({error}); answering from this replica's memory"

    def _failed(self, exc: Exception) -> None:
        """A call failed: it answers from memory, and the probe decides whether Redis is down."""
        with self._lock:
            self._last_error = f"{type(exc).__name__}: {exc}"[:200]
            if self._prober is not None and self._prober.is_alive():
                return
            self._prober = threading.Thread(target=self._probe, name="smtpbot-state-probe", daemon=True)
            self._prober.start()

    def _probe(self) -> None:
        """Ping at once with the longer timeout (one slow answer on the acknowledgement's short timeout
        is not an outage); while Redis does not answer, open the breaker and ping every
        `probe_interval` seconds. Once it answers, catch up and close the breaker."""
        while True:
            try:
                self.primary.ping()
                break
            except Exception as exc:
                self._went_down(exc)
                if self._closed.wait(self.probe_interval):
                    return
        self._catch_up()
        with self._lock:
            down_since, self._down_since = self._down_since, None
            if down_since is not None:
                self._reclaim_after = self._clock() + RECLAIM_GRACE_SECONDS
        if down_since is not None:
            log.warning(
                "shared state reachable again",
                extra={"state": self.primary.name, "down_seconds": round(self._clock() - down_since, 3)},
            )

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            self._last_error = f"{type(exc).__name__}: {exc}"[:200]
            if self._down_since is not None:
                return
            self._down_since = self._clock()
        log.error(
            "shared state unreachable: carrying on from this replica's memory",
            extra={"state": self.primary.name, "error": self._last_error},
        )

    def _catch_up(self) -> None:
        """Bring Redis's journal up to date: clear the jobs finished meanwhile, so no replica runs them
        again, and journal the jobs accepted in memory that are still running, so another replica
        finishes them if this one dies."""
        with self._lock:
            done, self._unfinished = self._unfinished, set()
            running, self._accepted_locally = self._accepted_locally, {}
        try:
            for job_id in done:
                self.primary.finish(job_id)
            for job_id, args in running.items():
                self.primary.accept(job_id, *args)
        except Exception:
            return  # down again; what is left runs out on its own (JOURNAL_TTL)

    def _call(self, primary: Callable[[SharedState], T], local: Callable[[SharedState], T]) -> T:
        if not self.degraded:
            try:
                return primary(self.primary)
            except Exception as exc:
                self._failed(exc)
        return local(self.local)

    def _both(self, call: Callable[[SharedState], object]) -> None:
        call(self.local)
        self._call(call, lambda _: None)

    # --- journal ----------------------------------------------------------------------------------

    def accept(
        self, job_id: str, payload: str, dedup_keys: tuple[str, ...], dedup_ttl: float, lease: float
    ) -> bool:
        def remembered(state: SharedState) -> bool:
            accepted = state.accept(job_id, payload, dedup_keys, dedup_ttl, lease)
            if accepted:
                with self._lock:
                    if len(self._accepted_locally) < MAX_UNFINISHED:
                        self._accepted_locally[job_id] = (payload, dedup_keys, dedup_ttl, lease)
                log.warning(
                    "accepted with shared state down: another replica may answer the same request",
                    extra={"keys": list(dedup_keys)},
                )
            return accepted

        return self._call(lambda s: s.accept(job_id, payload, dedup_keys, dedup_ttl, lease), remembered)

    def finish(self, job_id: str) -> None:
        self.local.finish(job_id)
        with self._lock:
            self._accepted_locally.pop(job_id, None)

        def remember(_: SharedState) -> None:
            with self._lock:
                if len(self._unfinished) < MAX_UNFINISHED:
                    self._unfinished.add(job_id)

        self._call(lambda s: s.finish(job_id), remember)

    def renew(self, job_ids: tuple[str, ...], lease: float) -> None:
        self._both(lambda s: s.renew(job_ids, lease))

    def reclaim(self, lease: float, limit: int) -> list[JournalEntry]:
        mine = self.local.reclaim(lease, limit)
        if self._clock() < self._reclaim_after:
            return mine
        return mine + self._call(lambda s: s.reclaim(lease, limit - len(mine)), lambda _: [])

    # --- values -----------------------------------------------------------------------------------

    def claim(self, key: str, ttl: float, owner: str = "1") -> bool:
        return self._call(lambda s: s.claim(key, ttl, owner), lambda s: s.claim(key, ttl, owner))

    def put(self, key: str, value: str, ttl: float) -> None:
        self._call(lambda s: s.put(key, value, ttl), lambda s: s.put(key, value, ttl))

    def get(self, key: str) -> str | None:
        return self._call(lambda s: s.get(key), lambda s: s.get(key))

    # --- flood control ----------------------------------------------------------------------------

    def flood_hit(self, key: str, member: str, window: float, poster_lease: float) -> FloodHit:
        def hit(s: SharedState) -> FloodHit:
            return s.flood_hit(key, member, window, poster_lease)

        return self._call(hit, hit)

    def flood_posted(self, key: str, answer_ts: str, shown: int) -> FloodState | None:
        def posted(s: SharedState) -> FloodState | None:
            return s.flood_posted(key, answer_ts, shown)

        return self._call(posted, posted)

    def flood_get(self, key: str) -> FloodState | None:
        return self._call(lambda s: s.flood_get(key), lambda s: s.flood_get(key))

    def flood_shown(self, key: str, shown: int) -> FloodState | None:
        return self._call(lambda s: s.flood_shown(key, shown), lambda s: s.flood_shown(key, shown))

    def flood_stale(self, grace: float, limit: int) -> list[str]:
        mine = self.local.flood_stale(grace, limit)
        return mine + self._call(lambda s: s.flood_stale(grace, limit), lambda _: [])

    # --- pace -------------------------------------------------------------------------------------

    def pace_reserve(self, channel: str, interval: float) -> float:
        def reserve(s: SharedState) -> float:
            return s.pace_reserve(channel, interval)

        return self._call(reserve, reserve)

    def ping(self) -> None:
        """Never raises: the bot serves while Redis is down; `status()` says how it is doing."""
        if self.degraded:
            return
        try:
            self.primary.ping()
        except Exception as exc:
            self._went_down(exc)
            self._failed(exc)

    def close(self) -> None:
        self._closed.set()
        self.primary.close()
