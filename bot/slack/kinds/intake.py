"""What the listeners share: turning a Bolt request into a job, and handing it to the runtime.

Listeners only classify a request, hand a job over and acknowledge; `Intake` is all they see of the
runtime, so the kind modules never import it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt import BoltContext, BoltRequest

from ...metrics import record_request
from ..job import Job
from .context import Context

log = logging.getLogger("smtpbot.listeners")


class Intake(Protocol):
    @property
    def alert_channels(self) -> frozenset[str]: ...

    def submit(self, job: Job, dedup_keys: tuple[str, ...] = (), token: str | None = None) -> bool:
        """Claim, journal and queue a job; False for a duplicate."""
        ...

    def run_interactive(self, work: Callable[[Context], None]) -> bool:
        """Run `work` on the interactive lane, unjournaled; False when the lane is full."""
        ...


def retry_num(request: BoltRequest) -> int:
    """Slack's retry counter. Recent Bolt sets `x-slack-retry-num: 0` on first Socket Mode deliveries,
    so a retry is a number above zero, not the header's presence."""
    values = request.headers.get("x-slack-retry-num") or []
    try:
        return int(values[0]) if values else 0
    except (TypeError, ValueError):
        return 0


def event_dedup_keys(body: dict[str, Any], event: dict[str, Any]) -> tuple[str, ...]:
    """The event's id, and the message's (channel, ts): a mention arrives as both `app_mention` and
    `message`, with different event ids but the same message."""
    keys = []
    if body.get("event_id"):
        keys.append(f"event:{body['event_id']}")
    if event.get("channel") and event.get("ts"):
        keys.append(f"msg:{event['channel']}:{event['ts']}")
    return tuple(keys)


def job_from_context(context: BoltContext, **fields: Any) -> Job:
    return Job(
        team_id=context.team_id,
        enterprise_id=context.enterprise_id,
        bot_id=context.bot_id,
        bot_user_id=context.bot_user_id,
        **fields,
    )


def submit(
    intake: Intake,
    kind: str,
    job: Job,
    context: BoltContext,
    keys: tuple[str, ...] = (),
    retry: int = 0,
) -> bool:
    """Hand `job` over, counting the request under `kind` (event, command, action, shortcut)."""
    accepted = intake.submit(job, keys, token=context.bot_token)
    outcome = ("accepted_retry" if retry > 0 else "accepted") if accepted else "duplicate"
    record_request(kind, outcome)
    if not accepted:
        log.info("duplicate delivery ignored", extra={"kind": job.kind, "retry": retry, "keys": list(keys)})
    return accepted


def ignored(kind: str, why: str) -> None:
    record_request(kind, "ignored")
    log.debug("ignored", extra={"kind": kind, "why": why})
