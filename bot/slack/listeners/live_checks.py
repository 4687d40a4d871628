"""The *Run live checks* button on answers (see ../live_checks.py)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from ..job import INTERACTIVE
from ..live_checks import LIVE_CHECKS_ACTION
from ..runtime import BotRuntime


def register(app: App, runtime: BotRuntime) -> None:
    @app.action(LIVE_CHECKS_ACTION)
    def on_run_live_checks(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        client = context.client
        runtime.lanes[INTERACTIVE].submit(
            lambda: runtime.handlers.live_checks.clicked(client, context.team_id, body)
        )


def register_catch_all(app: App) -> None:
    return None
