"""What replicas of the bot share: de-duplication claims, the job journal, flood records and channel pace.

Two implementations keep the same promises: `MemoryState` for one process, `RedisState` for several
replicas sharing one Redis. Every operation is atomic, so N replicas behave as one bot:

- `accept` claims an event's de-duplication keys and writes its job to the journal in one step. The same
  event delivered to two replicas is accepted once; a job whose replica dies before finishing it stays in
  the journal, and another replica `reclaim`s it once its lease runs out.
- `flood_hit` counts alerts by member (the alert's own id), so re-running a job never double counts.
- `pace_reserve` hands out one posting slot per channel per interval across all replicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class FloodState:
    """One flood record: how often a problem was seen in a channel and where its answer is."""

    count: int
    first_seen: float
    last_seen: float
    answer_ts: str | None  # the ts of the bot's answer once posted
    shown: int = 0  # the count the answer last displayed


@dataclass(frozen=True, slots=True)
class FloodHit:
    """What `flood_hit` decided for one alert."""

    post: bool  # True: this caller posts the answer (first alert, or the first poster died)
    state: FloodState


@dataclass(frozen=True, slots=True)
class JournalEntry:
    job_id: str
    payload: str
    attempts: int


class SharedState(Protocol):
    """See the module docstring. Times are seconds; keys are plain strings chosen by the caller."""

    name: str

    # --- de-duplication and the job journal -----------------------------------------------------

    def accept(
        self, job_id: str, payload: str, dedup_keys: tuple[str, ...], dedup_ttl: float, lease: float
    ) -> bool:
        """Claim all `dedup_keys` and journal the job, unless any key was claimed before (then False)."""
        ...

    def finish(self, job_id: str) -> None:
        """The job is done (or given up): drop it from the journal."""
        ...

    def renew(self, job_ids: tuple[str, ...], lease: float) -> None:
        """Extend the leases of jobs this replica is still working on."""
        ...

    def reclaim(self, lease: float, limit: int) -> list[JournalEntry]:
        """Take over up to `limit` jobs whose lease ran out (their replica died), leasing them anew."""
        ...

    # --- small shared values ----------------------------------------------------------------------

    def claim(self, key: str, ttl: float, owner: str = "1") -> bool:
        """SET NX EX: True for the first caller within `ttl`, or when `owner` already holds the key
        (a job re-run by another replica keeps the claims its first run made)."""
        ...

    def put(self, key: str, value: str, ttl: float) -> None: ...

    def get(self, key: str) -> str | None: ...

    # --- flood control ----------------------------------------------------------------------------

    def flood_hit(self, key: str, member: str, window: float, poster_lease: float) -> FloodHit:
        """Count `member` under `key`; the record lives `window` seconds from the first alert.

        `post` is True for the first member (the poster), for the poster again (its job re-run by
        another replica), and for any member once `poster_lease` has passed with nothing posted."""
        ...

    def flood_posted(self, key: str, answer_ts: str, shown: int) -> FloodState | None:
        """Record the answer's ts (and the count it shows); returns the record as it stands now."""
        ...

    def flood_get(self, key: str) -> FloodState | None: ...

    def flood_shown(self, key: str, shown: int) -> FloodState | None:
        """The answer now shows `shown`; when that is the full count the record is no longer stale."""
        ...

    def flood_stale(self, grace: float, limit: int) -> list[str]:
        """Keys whose answer has shown less than the count for `grace` seconds (the updater died);
        each key is handed to one caller per `grace` period."""
        ...

    # --- pace -------------------------------------------------------------------------------------

    def pace_reserve(self, channel: str, interval: float) -> float:
        """Reserve the channel's next posting slot; returns how many seconds from now it is."""
        ...

    def ping(self) -> None: ...

    def close(self) -> None: ...
