"""Which `message` events get an answer, and as what: a direct message is answered as a mention is,
a message in an alert channel as an alert; edits, the bot's own messages, bots' replies in threads
and ordinary channel chat get none.

Every message event is acknowledged, whatever its subtype; only these are worked on.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, BoltRequest

from ..mrkdwn import mentions, message_text
from .intake import Intake, event_dedup_keys, ignored, job_from_context, retry_num, submit

# New messages with readable content. Edits (message_changed), deletions, joins, topic changes and the
# like are not new alerts.
ANSWERABLE_SUBTYPES = frozenset({None, "bot_message", "file_share", "thread_broadcast"})


def route(
    event: dict[str, Any], bot_user_id: str | None, bot_id: str | None, alert_channels: frozenset[str]
) -> tuple[str | None, str]:
    """("mention" | "alert" | None, why) for one message event."""
    subtype = event.get("subtype")
    if subtype not in ANSWERABLE_SUBTYPES:
        return None, f"subtype {subtype}"
    from_bot = bool(event.get("bot_id")) or subtype == "bot_message"
    if (bot_id and event.get("bot_id") == bot_id) or (bot_user_id and event.get("user") == bot_user_id):
        return None, "our own message"
    thread_ts = event.get("thread_ts")
    is_reply = bool(thread_ts) and thread_ts != event.get("ts")
    if event.get("channel_type") == "im":
        return (None, "a bot in a direct message") if from_bot else ("mention", "direct message")
    if mentions(event.get("text"), bot_user_id):
        return None, "mention (answered from app_mention)"
    if event.get("channel") in alert_channels:
        if from_bot and is_reply:
            return None, "a bot's thread reply (no ping-pong)"
        return "alert", "alert channel"
    return None, "not an alert channel"


def accept_message(
    intake: Intake, body: dict[str, Any], event: dict[str, Any], context: BoltContext, request: BoltRequest
) -> None:
    """Route one message event and hand it over as a job of its kind (or count it as ignored)."""
    kind, why = route(event, context.bot_user_id, context.bot_id, intake.alert_channels)
    if kind is None:
        ignored("event", why)
        return
    retry = retry_num(request)
    job = job_from_context(
        context,
        kind=kind,
        user=event.get("user"),
        channel=event.get("channel"),
        channel_type=event.get("channel_type"),
        ts=event.get("ts"),
        thread_ts=event.get("thread_ts"),
        text=message_text(event),
        retry=retry > 0,
    )
    submit(intake, "event", job, context, event_dedup_keys(body, event), retry)
