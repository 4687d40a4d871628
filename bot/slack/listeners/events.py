"""Events API: `app_mention` (explicit mode, answered in the thread) and the catch-all that acknowledges
every other event (reaction_added, member_joined_channel, ...)."""

from __future__ import annotations

import re

from slack_bolt import App, BoltContext, BoltRequest

from ..runtime import BotRuntime
from ..text import message_text
from .common import event_dedup_keys, ignored, job_from_context, retry_num, submit


def register(app: App, runtime: BotRuntime) -> None:
    @app.event("app_mention")
    def on_mention(body: dict, event: dict, context: BoltContext, request: BoltRequest) -> None:
        own = event.get("user") == context.bot_user_id or (
            event.get("bot_id") is not None and event.get("bot_id") == context.bot_id
        )
        if own:
            ignored("event", "our own mention")
            return
        thread_ts = event.get("thread_ts")
        if event.get("bot_id") and thread_ts and thread_ts != event.get("ts"):
            ignored("event", "a bot's thread reply (no ping-pong)")
            return
        retry = retry_num(request)
        job = job_from_context(
            context,
            kind="mention",
            user=event.get("user"),
            channel=event.get("channel"),
            channel_type=event.get("channel_type"),
            ts=event.get("ts"),
            thread_ts=thread_ts,
            text=message_text(event),
            retry=retry > 0,
        )
        submit(runtime, "event", job, context, event_dedup_keys(body, event), retry)


def register_catch_all(app: App) -> None:
    @app.event(re.compile(".*"))
    def acknowledge_other_events() -> None:
        ignored("event", "unhandled event type")
