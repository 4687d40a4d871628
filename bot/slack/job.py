"""A unit of slow work, as journaled in shared state (so another replica can finish it).

Jobs carry what the work needs and nothing secret: no tokens (a replica that takes over a job looks the
token up itself), but they do carry message text, which is why the journal lives only as long as the job.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# Each kind has its handler in kinds.HANDLERS (tests/slack/test_kinds.py keeps the two in step).
Kind = Literal["command", "shortcut", "mention", "alert", "share", "feedback", "home"]
# Lanes: a burst of alerts must not delay people waiting for an answer.
INTERACTIVE = "interactive"
ALERTS = "alerts"


@dataclass(slots=True)
class Job:
    kind: Kind
    team_id: str | None = None
    enterprise_id: str | None = None
    bot_id: str | None = None
    bot_user_id: str | None = None
    user: str | None = None
    channel: str | None = None
    channel_type: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    text: str = ""
    response_url: str | None = None
    action: str | None = None  # command: explain/list/search; feedback: helpful/not_helpful
    value: str | None = None  # share id, feedback entries
    retry: bool = False  # first seen as a Slack retry
    received: float = field(default_factory=time.time)  # when Slack's request came (answers retry until)
    taken_over: bool = False  # run again by a replica other than the one that accepted it
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def lane(self) -> str:
        return ALERTS if self.kind == "alert" else INTERACTIVE

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, payload: str) -> Job:
        data: dict[str, Any] = json.loads(payload)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
