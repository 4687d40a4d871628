"""The message shortcut *Explain this bounce*: explains any message, answering only the person who
used it, through the shortcut's response_url (with a *Share in channel* button)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from ..job import Job
from ..mrkdwn import message_text
from .answering import explain, private_answer, responded
from .context import Context, Done
from .intake import Intake, job_from_context, submit

EXPLAIN_SHORTCUT = "explain_bounce"


def register(app: App, intake: Intake) -> None:
    @app.shortcut(EXPLAIN_SHORTCUT)
    def on_explain_shortcut(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        message = body.get("message") or {}
        job = job_from_context(
            context,
            kind="shortcut",
            text=message_text(message),
            user=(body.get("user") or {}).get("id"),
            channel=(body.get("channel") or {}).get("id"),
            ts=message.get("ts"),
            response_url=body.get("response_url"),
        )
        submit(intake, "shortcut", job, context)


def handle(ctx: Context, job: Job, done: Done) -> None:
    explanation = explain(ctx, job.text, "explicit")
    ctx.delivery.respond(job, private_answer(ctx, job, explanation), lambda ok: responded(ok, done))
