"""Acknowledgements for whatever the app does not handle: other events (reaction_added,
member_joined_channel, ...), other commands, actions and shortcuts, view submissions and closes.

Registered last: Bolt runs the first listener that matches, and an unhandled request would get a 404
over HTTP or no ack over Socket Mode, so Slack would keep retrying it.
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App

from ..help_blocks import render_usage
from .intake import ignored

ANY = re.compile(".*")


def register(app: App) -> None:
    @app.command(ANY)
    def acknowledge_other_commands(ack: Ack) -> None:
        ack(response_type="ephemeral", **render_usage("I only know `/smtp`.").message())
        ignored("command", "unknown command")

    @app.event(ANY)
    def acknowledge_other_events() -> None:
        ignored("event", "unhandled event type")

    @app.action(ANY)
    def acknowledge_other_actions(ack: Ack) -> None:
        ack()
        ignored("action", "unhandled action")

    @app.shortcut(ANY)
    def acknowledge_other_shortcuts(ack: Ack) -> None:
        ack()
        ignored("shortcut", "unhandled shortcut")

    @app.view(ANY)
    def acknowledge_view_submission(ack: Ack) -> None:
        ack()
        ignored("view", "unhandled view submission")

    @app.view_closed(ANY)
    def acknowledge_view_closed(ack: Ack) -> None:
        ack()
        ignored("view", "view closed")
