"""Posting at Slack's pace: at most one message per channel per interval, across all replicas.

Each send reserves the channel's next slot in shared state and waits for it on the timer, not in a
worker thread, so a busy channel never holds up the others. Nothing is dropped: a burst becomes a queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..state import SharedState
from .lanes import Lane, Scheduler

log = logging.getLogger(__name__)

# Slack allows about one message per second per channel (chat.postMessage), with short bursts.
DEFAULT_INTERVAL = 1.0
# Slots closer than this are not worth a trip through the timer.
IMMEDIATE = 0.005

Then = Callable[[Any, BaseException | None], None]


def _reporting(call: Callable[[], Any], then: Then) -> Callable[[], None]:
    """`call` as a task that hands its result or its error to `then`."""

    def run() -> None:
        try:
            result = call()
        except Exception as exc:
            then(None, exc)
        else:
            then(result, None)

    return run


class Outbox:
    def __init__(self, state: SharedState, scheduler: Scheduler, lane: Lane, interval: float) -> None:
        self.state = state
        self.scheduler = scheduler
        self.lane = lane
        self.interval = interval

    def reserve(self, channel: str) -> float:
        return self.state.pace_reserve(channel, self.interval)

    def send(self, channel: str, call: Callable[[], Any], then: Then) -> None:
        """Run `call` (a Web API call for `channel`) in the channel's next slot, then `then(res, err)`."""
        run = _reporting(call, then)

        def enqueue() -> None:
            if not self.lane.submit(run):
                then(None, RuntimeError("the send lane is full or stopped"))

        delay = self.reserve(channel)
        if delay <= IMMEDIATE:
            enqueue()
        else:
            self.scheduler.call_later(delay, enqueue)

    def now(self, call: Callable[[], Any], then: Then) -> None:
        """Run a call that is not tied to a channel's pace (response_url posts, views.publish)."""
        if not self.lane.submit(_reporting(call, then)):
            then(None, RuntimeError("the send lane is full or stopped"))
