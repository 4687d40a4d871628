"""Flood control in alert channels: the same problem repeating within the window gets one answer, which
is then updated with how often the problem was seen and when last.

The count lives in shared state, keyed by (channel, knowledge entry, remote domain) and counted by alert,
so it is right however a burst is spread over replicas. Updates are coalesced: at most one is queued per
answer, and each reads the latest count when it runs. After an update the answer's shown count is
recorded; if more alerts arrived meanwhile, another update follows. An answer whose updater died is
found by `flood_stale` and brought up to date by any replica.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from ..engine.model import Finding
from ..metrics import record_answer
from ..state import SharedState
from .answer_blocks import flood_fallback, with_flood_count
from .clients import Clients
from .outbox import Outbox

log = logging.getLogger(__name__)

# Second-level labels under which registrable domains sit one level deeper (example.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go"})


def base_domain(host: str) -> str:
    labels = [label for label in host.lower().strip(".").split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels)
    if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def remote_domain(finding: Finding) -> str:
    """The receiving side: the failed recipient's domain, else the remote server's domain."""
    if finding.recipient and "@" in finding.recipient:
        return finding.recipient.rsplit("@", 1)[1].lower().strip("> ")
    if finding.remote_mta:
        return base_domain(finding.remote_mta)
    return "-"


def flood_key(channel: str, finding: Finding) -> str:
    return f"{channel}|{finding.entry_id}|{remote_domain(finding)}"


def answer_key(key: str) -> str:
    return f"flood-answer:{key}"


class FloodControl:
    def __init__(
        self, state: SharedState, outbox: Outbox, clients: Clients, *, window: int, stale_grace: float
    ) -> None:
        self.state = state
        self.outbox = outbox
        self.clients = clients
        self.window = window  # seconds: SMTPBOT_FLOOD_WINDOW
        self.stale_grace = stale_grace
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def remember_answer(self, key: str, record: dict[str, Any]) -> None:
        """Keep what was posted, so any replica can rebuild the message with a new count."""
        ttl = self.window + 3600
        self.state.put(answer_key(key), json.dumps(record, ensure_ascii=False), ttl)

    def request_update(self, key: str) -> None:
        """Bring the answer's count up to date soon (one queued update per answer at most)."""
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
        channel = key.split("|", 1)[0]
        self.outbox.send(
            channel, lambda: self._update(key), lambda shown, error: self._after(key, shown, error)
        )

    def _update(self, key: str) -> int | None:
        current = self.state.flood_get(key)
        if current is None or current.answer_ts is None:
            return None  # window over, or not posted yet (the poster updates right after posting)
        if current.count <= current.shown:
            return current.shown  # already up to date; recording it clears the stale mark
        raw = self.state.get(answer_key(key))
        if raw is None:
            return None
        record = json.loads(raw)
        client = self.clients.client_for(record.get("team_id"), record.get("enterprise_id"))
        if client is None:
            return None
        client.chat_update(
            channel=record["channel"],
            ts=current.answer_ts,
            blocks=with_flood_count(record["blocks"], current.count, current.last_seen),
            text=flood_fallback(record["text"], current.count),
        )
        record_answer("passive", "update")
        return current.count

    def _after(self, key: str, shown: int | None, error: BaseException | None) -> None:
        with self._lock:
            self._pending.discard(key)
        if error is not None:
            log.warning("flood: updating the answer failed", extra={"error": str(error)[:300]})
            return  # left stale in shared state: the sweeper tries again after the grace period
        if shown is None:
            return
        after = self.state.flood_shown(key, shown)
        if after is not None and after.count > shown:
            self.request_update(key)

    def sweep(self) -> None:
        """Update answers another replica left behind (it died between counting and updating)."""
        for key in self.state.flood_stale(self.stale_grace, 50):
            self.request_update(key)
