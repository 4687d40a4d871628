"""The message shortcut *Explain this bounce*: explains any message, answering only the person who
used it (with a *Share in channel* button)."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext

from ..runtime import BotRuntime
from ..text import message_text
from .common import ignored, job_from_context, submit

EXPLAIN_SHORTCUT = "explain_bounce"


def register(app: App, runtime: BotRuntime) -> None:
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
        submit(runtime, "shortcut", job, context)


def register_catch_all(app: App) -> None:
    @app.shortcut(re.compile(".*"))
    def acknowledge_other_shortcuts(ack: Ack) -> None:
        ack()
        ignored("shortcut", "unhandled shortcut")
