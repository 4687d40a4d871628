"""Buttons on answers: *Share in channel* (posts a private answer for everyone, via the click's
response_url) and *Helpful / Not helpful* (each click is logged and thanked for privately)."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt import Ack, App, BoltContext

from ...metrics import record_answer, record_request
from ..answer_blocks import HELPFUL_ACTION, NOT_HELPFUL_ACTION, SHARE_ACTION
from ..block_kit import context as context_block
from ..job import Job
from .answering import share_key
from .context import Context, Done
from .intake import Intake, job_from_context, submit

feedback_log = logging.getLogger("smtpbot.feedback")

SHARE_EXPIRED = "That answer is too old to share now. Run the command again and share the new answer."


def _first_action(body: dict) -> dict:
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def register(app: App, intake: Intake) -> None:
    @app.action(SHARE_ACTION)
    def on_share(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        job = job_from_context(
            context,
            kind="share",
            value=str(_first_action(body).get("value", "")),
            user=(body.get("user") or {}).get("id"),
            channel=(body.get("channel") or {}).get("id"),
            response_url=body.get("response_url"),
        )
        submit(intake, "action", job, context)

    @app.action(re.compile(f"^(?:{HELPFUL_ACTION}|{NOT_HELPFUL_ACTION})$"))
    def on_feedback(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        action = _first_action(body)
        helpful = action.get("action_id") == HELPFUL_ACTION
        entries = [e for e in str(action.get("value", "")).split(",") if e]
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id")
        feedback_log.info(
            "feedback: %s",
            "helpful" if helpful else "not helpful",
            extra={
                "helpful": helpful,
                "entries": entries,
                "user": user,
                "team": context.team_id,
                "channel": channel,
            },
        )
        record_request("action", "helpful" if helpful else "not_helpful")
        if body.get("response_url"):
            job = job_from_context(
                context,
                kind="feedback",
                action="helpful" if helpful else "not_helpful",
                value=",".join(entries),
                user=user,
                channel=channel,
                response_url=body.get("response_url"),
            )
            intake.submit(job, (), token=context.bot_token)


def share(ctx: Context, job: Job, done: Done) -> None:
    """Post the shareable version of a private answer in the channel, then delete the private one."""
    raw = ctx.state.get(share_key(job.value or ""))
    if raw is None:
        expired = {"response_type": "ephemeral", "replace_original": False, "text": SHARE_EXPIRED}
        ctx.delivery.respond(job, expired, lambda _: done())
        return
    message = json.loads(raw)
    blocks = (
        [context_block(f"Shared by <@{job.user}>"), *message["blocks"]] if job.user else message["blocks"]
    )

    def shared(ok: bool) -> None:
        if not ok:
            done()
            return
        record_answer("explicit", "share")
        ctx.delivery.respond(job, {"delete_original": True}, lambda _: done(), step="delete")

    ctx.delivery.respond(
        job,
        {"response_type": "in_channel", "replace_original": False, "blocks": blocks, "text": message["text"]},
        shared,
    )


def feedback(ctx: Context, job: Job, done: Done) -> None:
    thanks = "Thanks, noted." if job.action == "helpful" else "Thanks, noted: this answer needs work."
    ctx.delivery.respond(
        job, {"response_type": "ephemeral", "replace_original": False, "text": thanks}, lambda _: done()
    )
