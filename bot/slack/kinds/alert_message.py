"""A message in an alert channel: passive mode (silent on chat), answered in the alert's thread, the
same problem again within the window counted on the first answer instead of answered again
(flood.py). Messages in other channels are acknowledged and left alone."""

from __future__ import annotations

import dataclasses

from slack_bolt import App, BoltContext, BoltRequest

from ..answer_blocks import render_explanation
from ..flood import flood_key
from ..job import Job
from .answering import explain, unanswered
from .context import Context, Done
from .intake import Intake
from .message_route import accept_message


def register(app: App, intake: Intake) -> None:
    """Every `message` event direct_message.py has not taken: registered after it."""

    @app.event("message")
    def on_message(body: dict, event: dict, context: BoltContext, request: BoltRequest) -> None:
        accept_message(intake, body, event, context, request)


def handle(ctx: Context, job: Job, done: Done) -> None:
    """A message in an alert channel: passive mode, flood-controlled."""
    explanation = explain(ctx, job.text, "passive")
    if not explanation.findings:
        done()  # ordinary chat: no Slack call at all
        return
    assert job.channel and job.ts
    thread_ts = job.thread_ts or job.ts
    fresh = unanswered(ctx, job, thread_ts, explanation.findings)
    if not fresh:
        done()
        return
    explanation = dataclasses.replace(explanation, findings=fresh)
    key = flood_key(job.channel, fresh[0])
    hit = ctx.state.flood_hit(
        key, f"{job.channel}:{job.ts}", ctx.settings.smtpbot_flood_window, ctx.tunables.flood_poster_lease
    )
    if not hit.post:
        if hit.state.answer_ts:
            ctx.flood.request_update(key)
        done()  # counted; the answer shows it with the next update
        return
    rendered = render_explanation(
        explanation, audience="channel", show_addresses=ctx.settings.smtpbot_show_addresses
    )
    rendered = ctx.live_checks.for_alert(job, explanation, rendered)
    ctx.flood.remember_answer(
        key,
        {
            "channel": job.channel,
            "team_id": job.team_id,
            "enterprise_id": job.enterprise_id,
            "blocks": rendered.blocks,
            "text": rendered.text,
        },
    )

    def posted(ts: str | None) -> None:
        try:
            if ts:
                after = ctx.state.flood_posted(key, ts, shown=1)
                if after is not None and after.count > 1:
                    ctx.flood.request_update(key)
        finally:
            done()

    ctx.delivery.post(job, thread_ts, rendered, "passive", posted)
