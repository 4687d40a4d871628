"""The *Run live checks* button on answers (live_checks.py says when answers carry it): a click runs
the checks for the subjects the button carries, within the workspace's budget, and adds them to the
answer. Clicks are not journaled: a lost one costs a second click, not an answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from ...diagnose.model import Subjects
from ..block_kit import fit_blocks
from ..clients import response_url_allowed, webhook_client
from ..live_checks import (
    ALERT_DOMAIN_WINDOW,
    LIVE_CHECKS_ACTION,
    live_blocks,
    subjects_from_value,
    with_live_blocks,
)
from .context import Context
from .intake import Intake

log = logging.getLogger(__name__)


def register(app: App, intake: Intake) -> None:
    @app.action(LIVE_CHECKS_ACTION)
    def on_run_live_checks(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        client = context.client
        intake.run_interactive(lambda ctx: clicked(ctx, client, context.team_id, body))


def clicked(ctx: Context, client: WebClient, team_id: str | None, body: dict[str, Any]) -> None:
    """A *Run live checks* click: run them for the message's subjects within the workspace budget.

    In an alert channel, at most one diagnosis per domain per ten minutes; cached results otherwise.
    """
    live = ctx.live_checks
    action = (body.get("actions") or [{}])[0]
    subjects = subjects_from_value(str(action.get("value", "")))
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    private = bool((body.get("container") or {}).get("is_ephemeral"))
    if subjects is None or (not private and (not channel or not message.get("ts"))):
        return
    team = team_id or "-"
    if not live.enabled or not live.within_budget(team):
        return
    if private:
        update_private(ctx, str(body.get("response_url") or ""), message, subjects)
        return
    cached = False
    if channel in ctx.alert_channels:
        domain = subjects.sender_domain or subjects.recipient_domain or subjects.ip
        cached = not ctx.state.claim(f"live:alert:{team}:{domain}", ALERT_DOMAIN_WINDOW)
    blocks, text = message.get("blocks") or [], message.get("text") or ""
    live.update(client, channel, message["ts"], blocks, text, subjects, cached)


def update_private(ctx: Context, url: str, message: dict[str, Any], subjects: Subjects) -> None:
    """Diagnose, then answer a click on a private answer through its response_url: the answer
    replaced with the checks in it when the click carries its blocks, a private follow-up if not."""
    if not url or not response_url_allowed(url, ctx.settings.api_url):
        log.warning("no usable response_url; live checks dropped")
        return
    checks = live_blocks(ctx.live_checks.diagnoser.run("slack", subjects))
    if message.get("blocks"):
        blocks = fit_blocks(with_live_blocks(message["blocks"], checks))
        payload = {"replace_original": True, "blocks": blocks, "text": message.get("text") or ""}
    else:
        payload = {
            "response_type": "ephemeral",
            "replace_original": False,
            "blocks": checks,
            "text": "Live checks",
        }
    try:
        response = webhook_client(url).send_dict(payload)
        if response.status_code != 200:
            log.warning("live checks not sent", extra={"status": response.status_code})
    except Exception as exc:
        log.warning("live checks not sent", extra={"error": str(exc)[:300]})
