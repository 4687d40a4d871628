"""Everything the Slack app needs at run time besides Bolt: the worker lanes and their timer, the
paced outbox, flood control, the handlers' `Context`, and the job journal's upkeep.

`submit` is what listeners call (through kinds.Intake): it claims the request's de-duplication keys and
journals the job in one atomic step, then queues it; a worker runs the job's handler from
`kinds.HANDLERS`. A maintenance thread renews the leases of this replica's jobs, takes over jobs whose
replica died (their lease ran out) and brings flood counts left behind up to date.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ..engine import Engine
from ..metrics import observe_request_seconds, record_request
from ..settings import Settings
from ..state import MemoryState, SharedState
from ..state.fallback import FallbackState
from .clients import Clients
from .delivery import Delivery
from .flood import FloodControl
from .job import ALERTS, INTERACTIVE, Job
from .kinds import HANDLERS, Context, Handler
from .lanes import Lane, Scheduler
from .live_checks import LiveChecks
from .outbox import Outbox
from .tunables import Tunables

log = logging.getLogger(__name__)

SEND = "send"


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
        handlers: dict[str, Handler] = HANDLERS,
    ) -> None:
        self.settings = settings
        # Shared state other than this process's own memory can fail: the bot then carries on in memory.
        self.state = state if isinstance(state, MemoryState | FallbackState) else FallbackState(state)
        self.alert_channels = alert_channels
        self.tunables = t = tunables or Tunables()
        self.handlers = handlers
        self.lanes = {
            INTERACTIVE: Lane(INTERACTIVE, t.interactive_workers, t.queue_limit),
            ALERTS: Lane(ALERTS, t.alert_workers, t.queue_limit),
            SEND: Lane(SEND, t.send_workers, t.queue_limit),
        }
        self.scheduler = Scheduler()
        self.clients = Clients(settings, oauth_settings)
        outbox = Outbox(self.state, self.scheduler, self.lanes[SEND], t.pace_interval)
        self.flood = FloodControl(
            self.state,
            outbox,
            self.clients,
            window=settings.smtpbot_flood_window,
            stale_grace=t.flood_stale_grace,
        )
        delivery = Delivery(
            self.state,
            self.clients,
            outbox,
            self.scheduler,
            self.lanes,
            api_url=settings.api_url,
            sent_ttl=t.share_ttl,
            posted_ttl=t.answered_ttl,
        )
        self.context = Context(
            settings=settings,
            engine=engine,
            state=self.state,
            tunables=t,
            clients=self.clients,
            delivery=delivery,
            flood=self.flood,
            live_checks=LiveChecks(settings, self.state, self.clients, self.lanes[INTERACTIVE]),
            alert_channels=alert_channels,
        )
        self._lock = threading.Lock()
        self._in_flight: dict[str, tuple[Job, float]] = {}  # job id -> (job, started, monotonic)
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
            self.clients.remember(job.id, token)
        self._start(job)
        return True

    def _start(self, job: Job) -> None:
        with self._lock:
            self._in_flight[job.id] = (job, time.monotonic())
        if not self.lanes[job.lane].submit(lambda: self._run(job)):
            # left in the journal: this or another replica takes it over when its lease runs out
            with self._lock:
                self._in_flight.pop(job.id, None)
            self.clients.forget(job.id)

    def _run(self, job: Job) -> None:
        finished = threading.Event()

        def done() -> None:
            if finished.is_set():
                return
            finished.set()
            self._finish(job)

        handler = self.handlers.get(job.kind)
        if handler is None:  # a kind this version does not know (a newer replica's): dropped
            log.error("unknown job kind", extra={"kind": job.kind})
            done()
            return
        try:
            handler(self.context, job, done)
        except Exception:
            log.exception("job failed", extra={"kind": job.kind})
            done()

    def _finish(self, job: Job) -> None:
        with self._lock:
            entry = self._in_flight.pop(job.id, None)
        self.clients.forget(job.id)
        if self._abandoned:
            return
        if entry is not None:
            observe_request_seconds(job.kind, time.monotonic() - entry[1])
        try:
            self.state.finish(job.id)
        except Exception as exc:
            log.warning("could not clear a finished job from the journal", extra={"error": str(exc)[:300]})

    def run_interactive(self, work: Callable[[Context], None]) -> bool:
        """Run `work` on the interactive lane, unjournaled (a live-check click); False when it is full."""
        return self.lanes[INTERACTIVE].submit(lambda: work(self.context))

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
