"""Everything the Slack app needs at run time besides Bolt: the engine, shared state, worker lanes, the
paced outbox, flood control, and the job journal's upkeep.

`submit` is the only thing listeners call: it claims the request's de-duplication keys and journals the
job in one atomic step, then queues it. A maintenance thread renews the leases of this replica's jobs,
takes over jobs whose replica died (their lease ran out) and brings flood counts left behind up to date.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from ..engine import Engine
from ..metrics import observe_request_seconds, record_request
from ..settings import Settings
from ..state import MemoryState, SharedState
from ..state.fallback import FallbackState
from .clients import web_client
from .delivery import POST_RETRY_SECONDS
from .flood import FloodControl
from .job import ALERTS, INTERACTIVE, Job
from .jobs import JobHandlers
from .pace import Outbox
from .work import Lane, Scheduler

log = logging.getLogger(__name__)

SEND = "send"
MAX_CACHED_CLIENTS = 256


@dataclass(frozen=True, slots=True)
class Tunables:
    """Timings and sizes; the defaults are for production, tests shorten the waits."""

    dedup_ttl: float = 3600.0  # event ids and (channel, ts) remembered this long (Slack retries for ~5 min)
    job_lease: float = 10.0  # a job not renewed for this long belonged to a replica that died
    heartbeat: float = 2.0  # how often leases are renewed and orphans looked for
    max_attempts: int = 3  # a job that failed this often (its replicas kept dying) is dropped
    max_job_age: float = 1800.0  # stop renewing a job stuck this long
    # the first alert's job has this long to post the answer (it keeps trying while Slack fails, and
    # is taken over if its replica dies) before another alert's job may post instead
    flood_poster_lease: float = POST_RETRY_SECONDS + 60.0
    flood_stale_grace: float = 15.0  # an answer showing an old count this long is updated by anyone
    pace_interval: float = 1.0
    answered_ttl: float = 24 * 3600.0
    share_ttl: float = 3600.0  # response_urls live 30 minutes; the button can wait a little longer
    interactive_workers: int = 4
    alert_workers: int = 4
    send_workers: int = 4
    queue_limit: int = 10_000


class BotRuntime:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        state: SharedState,
        *,
        alert_channels: frozenset[str],
        tunables: Tunables | None = None,
        oauth_settings: Any = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        # Shared state other than this process's own memory can fail: the bot then carries on in memory.
        self.state = state if isinstance(state, MemoryState | FallbackState) else FallbackState(state)
        self.alert_channels = alert_channels
        self.tunables = tunables or Tunables()
        self.oauth_settings = oauth_settings
        t = self.tunables
        self.lanes = {
            INTERACTIVE: Lane(INTERACTIVE, t.interactive_workers, t.queue_limit),
            ALERTS: Lane(ALERTS, t.alert_workers, t.queue_limit),
            SEND: Lane(SEND, t.send_workers, t.queue_limit),
        }
        self.scheduler = Scheduler()
        self.outbox = Outbox(self.state, self.scheduler, self.lanes[SEND], t.pace_interval)
        self.flood = FloodControl(self)
        self.handlers = JobHandlers(self)
        self._lock = threading.Lock()
        self._in_flight: dict[str, tuple[Job, float]] = {}  # job id -> (job, started, monotonic)
        self._tokens: dict[str, str] = {}  # job id -> the token its request carried (never journaled)
        self._clients: OrderedDict[str, WebClient] = OrderedDict()
        self._stopping = threading.Event()
        self._abandoned = False
        self._maintenance = threading.Thread(target=self._maintain, name="smtpbot-maintenance", daemon=True)
        self._maintenance.start()

    # --- accepting work ----------------------------------------------------------------------------

    def submit(self, job: Job, dedup_keys: tuple[str, ...] = (), token: str | None = None) -> bool:
        """Claim, journal and queue a job. False: a duplicate (already accepted here or elsewhere)."""
        if self._stopping.is_set():
            # shutting down: do not take work we may not finish; Slack retries events it gets 5xx for
            raise RuntimeError("shutting down")
        payload = job.dumps()
        t = self.tunables
        accepted = self.state.accept(job.id, payload, dedup_keys, t.dedup_ttl, t.job_lease)
        if not accepted:
            return False
        if token:
            with self._lock:
                self._tokens[job.id] = token
        self._start(job)
        return True

    def _start(self, job: Job) -> None:
        with self._lock:
            self._in_flight[job.id] = (job, time.monotonic())
        if not self.lanes[job.lane].submit(lambda: self._run(job)):
            # left in the journal: this or another replica takes it over when its lease runs out
            with self._lock:
                self._in_flight.pop(job.id, None)
                self._tokens.pop(job.id, None)

    def _run(self, job: Job) -> None:
        finished = threading.Event()

        def done() -> None:
            if finished.is_set():
                return
            finished.set()
            self._finish(job)

        try:
            self.handlers.run(job, done)
        except Exception:
            log.exception("job failed", extra={"kind": job.kind})
            done()

    def _finish(self, job: Job) -> None:
        with self._lock:
            entry = self._in_flight.pop(job.id, None)
            self._tokens.pop(job.id, None)
        if self._abandoned:
            return
        if entry is not None:
            observe_request_seconds(job.kind, time.monotonic() - entry[1])
        try:
            self.state.finish(job.id)
        except Exception as exc:
            log.warning("could not clear a finished job from the journal", extra={"error": str(exc)[:300]})

    # --- Slack clients --------------------------------------------------------------------------------

    def client_for(
        self, team_id: str | None, enterprise_id: str | None, job_id: str | None = None
    ) -> WebClient | None:
        token = None
        if job_id:
            with self._lock:
                token = self._tokens.get(job_id)
        if token is None:
            token = self._lookup_token(team_id, enterprise_id)
        if token is None:
            return None
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                client = web_client(token, self.settings.api_url)
                self._clients[token] = client
                while len(self._clients) > MAX_CACHED_CLIENTS:
                    self._clients.popitem(last=False)
            else:
                self._clients.move_to_end(token)
            return client

    def _lookup_token(self, team_id: str | None, enterprise_id: str | None) -> str | None:
        if self.oauth_settings is None:
            return self.settings.slack_bot_token
        try:
            from slack_bolt.context import BoltContext

            # Bolt's authorize checks the token with auth.test through the context's client; a bare
            # BoltContext would make one on slack.com, ignoring SLACK_API_URL and our retry handlers.
            context = BoltContext(client=web_client(None, self.settings.api_url))
            result = self.oauth_settings.authorize(
                context=context, enterprise_id=enterprise_id, team_id=team_id, user_id=None
            )
            return result.bot_token if result is not None else None
        except Exception as exc:
            log.warning(
                "no installation found for a workspace", extra={"team": team_id, "error": str(exc)[:200]}
            )
            return None

    # --- upkeep ----------------------------------------------------------------------------------------

    def _maintain(self) -> None:
        t = self.tunables
        while not self._stopping.wait(t.heartbeat):
            try:
                self._renew_leases()
                self._reclaim_orphans()
                self.flood.sweep()
            except Exception as exc:
                log.warning("maintenance round failed", extra={"error": str(exc)[:300]})

    def _renew_leases(self) -> None:
        now = time.monotonic()
        with self._lock:
            alive = tuple(
                i for i, (_, started) in self._in_flight.items() if now - started < self.tunables.max_job_age
            )
        if alive:
            self.state.renew(alive, self.tunables.job_lease)

    def _reclaim_orphans(self) -> None:
        for entry in self.state.reclaim(self.tunables.job_lease, 20):
            try:
                job = Job.loads(entry.payload)
            except (ValueError, TypeError):
                log.error("unreadable job in the journal; dropped", extra={"job": entry.job_id})
                self.state.finish(entry.job_id)
                continue
            job.id = entry.job_id
            job.taken_over = True
            if entry.attempts > self.tunables.max_attempts:
                log.error(
                    "job failed too often; dropped", extra={"kind": job.kind, "attempts": entry.attempts}
                )
                self.state.finish(entry.job_id)
                continue
            log.info(
                "taking over a job another replica left", extra={"kind": job.kind, "attempts": entry.attempts}
            )
            record_request(job.kind, "taken_over")
            self._start(job)

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job is in flight and nothing is queued (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                not self.busy
                and not self.scheduler.pending
                and not any(lane.pending for lane in self.lanes.values())
            ):
                return True
            time.sleep(0.02)
        return False

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the work in hand (paced posts included) within `timeout`; unfinished jobs stay journaled
        for another replica. True if everything finished."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        idle = self.wait_idle(timeout)
        self.scheduler.stop(max(0.0, deadline - time.monotonic()))
        for lane in self.lanes.values():
            lane.stop(max(0.1, deadline - time.monotonic()))
        self._maintenance.join(1.0)
        return idle

    def abandon(self) -> None:
        """Stop dead, like a killed process: nothing more is sent, finished or renewed. The journal keeps
        this replica's jobs for the others to take over."""
        self._abandoned = True
        self._stopping.set()
        self.scheduler.abandon()
        for lane in self.lanes.values():
            lane.abandon()
