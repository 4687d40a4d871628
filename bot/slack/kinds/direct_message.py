"""A direct message to the bot: answered as a mention is (the job's kind is "mention", handled by
mention.py), in the thread and with addresses shown, since only the two of them read it. Bots
writing to the bot get no answer (no ping-pong)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, BoltRequest

from .intake import Intake
from .message_route import accept_message


def in_direct_message(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im"


def register(app: App, intake: Intake) -> None:
    @app.event("message", matchers=[in_direct_message])
    def on_direct_message(body: dict, event: dict, context: BoltContext, request: BoltRequest) -> None:
        accept_message(intake, body, event, context, request)
