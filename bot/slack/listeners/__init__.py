"""Bolt listeners, grouped by kind. Each only classifies the request, hands a job to the runtime and
acknowledges; the work happens on the runtime's lanes (see ../jobs.py).

Registration order matters: Bolt runs the first listener that matches, so every module's specific
listeners come before the catch-alls that acknowledge whatever the app does not handle (an unhandled
request would get a 404 over HTTP or no ack over Socket Mode, and Slack would keep retrying it).
"""

from __future__ import annotations

from slack_bolt import App

from ..runtime import BotRuntime
from . import actions, commands, events, live_checks, messages, shortcuts, views


def register_all(app: App, runtime: BotRuntime) -> None:
    for module in (commands, messages, events, actions, live_checks, shortcuts, views):
        module.register(app, runtime)
    for module in (commands, events, actions, shortcuts, views):
        module.register_catch_all(app)
