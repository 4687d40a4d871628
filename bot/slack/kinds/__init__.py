"""One module per kind of Slack request, each with its `register(app, intake)` (the Bolt listener
that classifies, hands a job over and acknowledges) and its handler (the slow half, run on a worker
lane with a `Context`):

| module            | request                                      | job kind(s)            |
| ----------------- | -------------------------------------------- | ---------------------- |
| command.py        | `/smtp` (explain, list, search, help)        | command                |
| mention.py        | `@smtpbot` in a channel                      | mention                |
| direct_message.py | a direct message to the bot                  | mention                |
| alert_message.py  | a message in an alert channel                | alert                  |
| shortcut.py       | the message shortcut *Explain this bounce*   | shortcut               |
| action.py         | *Share in channel*, *Helpful*, *Not helpful* | share, feedback        |
| live_check.py     | *Run live checks*                            | none: runs unjournaled |
| home.py           | the App Home tab opened                      | home                   |
| unhandled.py      | everything else, acknowledged                | none                   |

`HANDLERS` is the one map from a job's kind to its handler; the runtime looks kinds up there.
"""

from __future__ import annotations

from slack_bolt import App

from . import (
    action,
    alert_message,
    command,
    direct_message,
    home,
    live_check,
    mention,
    shortcut,
    unhandled,
)
from .context import Context, Done, Handler
from .intake import Intake

HANDLERS: dict[str, Handler] = {
    "command": command.handle,
    "shortcut": shortcut.handle,
    "mention": mention.handle,  # direct messages too
    "alert": alert_message.handle,
    "share": action.share,
    "feedback": action.feedback,
    "home": home.handle,
}

# Bolt runs the first listener that matches: direct messages before the catch-all for messages, and
# everything before unhandled.py's acknowledgements.
LISTENERS = (command, mention, direct_message, alert_message, home, action, live_check, shortcut)


def register_all(app: App, intake: Intake) -> None:
    for module in LISTENERS:
        module.register(app, intake)
    unhandled.register(app)


__all__ = ["HANDLERS", "Context", "Done", "Handler", "Intake", "register_all"]
