"""What a handler works with: the parts of the running app the slow half of a request needs, and
nothing else (no lanes, journal or leases: those belong to the runtime that calls the handler)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...engine import Engine
from ...settings import Settings
from ...state import SharedState
from ..clients import Clients
from ..delivery import Delivery
from ..flood import FloodControl
from ..job import Job
from ..live_checks import LiveChecks
from ..tunables import Tunables

# Called exactly once when the job's last Slack call has finished; until then it stays journaled.
Done = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    engine: Engine
    state: SharedState
    tunables: Tunables
    clients: Clients  # the Web API client for a workspace
    delivery: Delivery  # response_url and chat.postMessage, trying again while Slack fails
    flood: FloodControl
    live_checks: LiveChecks
    alert_channels: frozenset[str]


# The slow half of one kind of request: explain, render, send; then `done()`.
Handler = Callable[[Context, Job, Done], None]
