"""`@smtpbot` in a channel: explicit mode, answered in the thread (direct messages are answered the
same way: see direct_message.py). The answer comes first; live checks follow in it."""

from __future__ import annotations

import dataclasses

from slack_bolt import App, BoltContext, BoltRequest

from ...wording import NOTHING_TO_EXPLAIN
from ..answer_blocks import render_explanation
from ..help_blocks import render_text, render_usage
from ..job import Job
from ..mrkdwn import message_text
from .answering import explain, unanswered
from .context import Context, Done
from .intake import Intake, event_dedup_keys, ignored, job_from_context, retry_num, submit

ALREADY_ANSWERED = "I already explained this in this thread — see my answer above."


def register(app: App, intake: Intake) -> None:
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
        submit(intake, "event", job, context, event_dedup_keys(body, event), retry)


def handle(ctx: Context, job: Job, done: Done) -> None:
    """A mention in a channel or a direct message: explicit mode, answered in the thread."""
    explanation = explain(ctx, job.text, "explicit")
    thread_ts = job.thread_ts or job.ts
    assert thread_ts
    private = job.channel_type == "im"
    answered = None  # what the answer explains, for the live checks that follow it
    if explanation.input_kind == "empty":
        rendered = render_usage()
    elif not explanation.findings and explanation.headers is None:
        rendered = render_text(explanation.notice or NOTHING_TO_EXPLAIN)
    else:
        fresh = unanswered(ctx, job, thread_ts, explanation.findings)
        if not fresh and explanation.headers is None:
            rendered = render_text(ALREADY_ANSWERED)
        else:
            answered = dataclasses.replace(explanation, findings=fresh)
            rendered = render_explanation(
                answered,
                audience="private" if private else "channel",
                show_addresses=ctx.settings.smtpbot_show_addresses,
            )
    live = ctx.live_checks.prepare(job, answered, rendered)
    ctx.delivery.post(job, thread_ts, live.rendered, "explicit", lambda ts: live.follow_up(ts, done))
