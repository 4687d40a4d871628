"""The App Home tab: how to use the bot, the alert channels it watches and how it treats addresses,
published when someone opens the tab."""

from __future__ import annotations

from slack_bolt import App, BoltContext

from ..help_blocks import home_view
from ..job import Job
from .context import Context, Done
from .intake import Intake, ignored, job_from_context, submit


def register(app: App, intake: Intake) -> None:
    @app.event("app_home_opened")
    def on_home_opened(body: dict, event: dict, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            ignored("event", "messages tab opened")
            return
        job = job_from_context(context, kind="home", user=event.get("user"))
        keys = (f"event:{body['event_id']}",) if body.get("event_id") else ()
        submit(intake, "event", job, context, keys)


def handle(ctx: Context, job: Job, done: Done) -> None:
    client = ctx.clients.client_for(job.team_id, job.enterprise_id, job.id)
    if client is not None and job.user:
        client.views_publish(
            user_id=job.user,
            view=home_view(
                sorted(ctx.alert_channels),
                ctx.settings.smtpbot_flood_window,
                ctx.settings.smtpbot_show_addresses,
            ),
        )
    done()
