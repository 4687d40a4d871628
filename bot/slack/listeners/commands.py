"""The `/smtp` slash command. Answers go through the command's response_url, never chat.postMessage,
so `/smtp` works in direct messages and in channels the bot is not a member of."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext

from ..help_blocks import render_usage
from ..runtime import BotRuntime
from ..text import plain_text
from .common import ignored, job_from_context, submit

COMMAND = "/smtp"
HELP_WORDS = frozenset({"", "help", "-h", "--help", "?", "usage"})


def parse(text: str) -> tuple[str, str]:
    """(action, argument): help, list PREFIX, search WORDS, or explain TEXT."""
    stripped = text.strip()
    if stripped.lower() in HELP_WORDS:
        return "help", ""
    head, _, rest = stripped.partition(" ") if " " in stripped else (stripped, "", "")
    head_lower = head.lower()
    if "\n" not in head and head_lower in ("list", "search"):
        return head_lower, rest.strip()
    return "explain", stripped


def register(app: App, runtime: BotRuntime) -> None:
    @app.command(COMMAND)
    def on_smtp(ack: Ack, command: dict, context: BoltContext) -> None:
        action, argument = parse(plain_text(command.get("text")))
        if action == "help":
            ack(response_type="ephemeral", **render_usage().message())
            ignored("command", "help")
            return
        if not argument:
            what = "a code prefix, e.g. `/smtp list 5.7`" if action == "list" else "some words"
            ack(response_type="ephemeral", **render_usage(f"`/smtp {action}` needs {what}.").message())
            ignored("command", f"{action} without argument")
            return
        job = job_from_context(
            context,
            kind="command",
            action=action,
            text=argument,
            user=command.get("user_id"),
            channel=command.get("channel_id"),
            response_url=command.get("response_url"),
        )
        submit(runtime, "command", job, context)
        ack()


def register_catch_all(app: App) -> None:
    @app.command(re.compile(".*"))
    def acknowledge_other_commands(ack: Ack) -> None:
        ack(response_type="ephemeral", **render_usage("I only know `/smtp`.").message())
        ignored("command", "unknown command")
