"""The `/smtp` slash command: explain a code or a paste, `list` a prefix, `search` words, or show
how to use it. Answers go through the command's response_url, never chat.postMessage, so `/smtp`
works in direct messages and in channels the bot is not a member of; only the person who asked
sees them (with a *Share in channel* button)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from ..help_blocks import render_list, render_search, render_usage
from ..job import Job
from ..mrkdwn import plain_text
from .answering import explain, private_answer, responded
from .context import Context, Done
from .intake import Intake, ignored, job_from_context, submit

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


def register(app: App, intake: Intake) -> None:
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
        submit(intake, "command", job, context)
        ack()


def handle(ctx: Context, job: Job, done: Done) -> None:
    if job.action == "list":
        payload = {
            "response_type": "ephemeral",
            **render_list(job.text, ctx.engine.list_prefix(job.text)).message(),
        }
    elif job.action == "search":
        payload = {
            "response_type": "ephemeral",
            **render_search(job.text, ctx.engine.search(job.text)).message(),
        }
    else:
        payload = private_answer(ctx, job, explain(ctx, job.text, "explicit"))
    ctx.delivery.respond(job, payload, lambda ok: responded(ok, done))
