"""The App Home tab (published when someone opens it), and acknowledgements for view payloads."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext

from ..runtime import BotRuntime
from .common import ignored, job_from_context, submit


def register(app: App, runtime: BotRuntime) -> None:
    @app.event("app_home_opened")
    def on_home_opened(body: dict, event: dict, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            ignored("event", "messages tab opened")
            return
        job = job_from_context(context, kind="home", user=event.get("user"))
        keys = (f"event:{body['event_id']}",) if body.get("event_id") else ()
        submit(runtime, "event", job, context, keys)


def register_catch_all(app: App) -> None:
    @app.view(re.compile(".*"))
    def acknowledge_view_submission(ack: Ack) -> None:
        ack()
        ignored("view", "unhandled view submission")

    @app.view_closed(re.compile(".*"))
    def acknowledge_view_closed(ack: Ack) -> None:
        ack()
        ignored("view", "view closed")
