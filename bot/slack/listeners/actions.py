"""Buttons on answers: *Share in channel* and *Helpful / Not helpful* (each click is logged)."""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App, BoltContext

from ...metrics import record_request
from ..blocks import HELPFUL_ACTION, NOT_HELPFUL_ACTION, SHARE_ACTION
from ..runtime import BotRuntime
from .common import ignored, job_from_context, submit

feedback_log = logging.getLogger("smtpbot.feedback")


def _first_action(body: dict) -> dict:
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def register(app: App, runtime: BotRuntime) -> None:
    @app.action(SHARE_ACTION)
    def on_share(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        job = job_from_context(
            context,
            kind="share",
            value=str(_first_action(body).get("value", "")),
            user=(body.get("user") or {}).get("id"),
            channel=(body.get("channel") or {}).get("id"),
            response_url=body.get("response_url"),
        )
        submit(runtime, "action", job, context)

    @app.action(re.compile(f"^(?:{HELPFUL_ACTION}|{NOT_HELPFUL_ACTION})$"))
    def on_feedback(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        action = _first_action(body)
        helpful = action.get("action_id") == HELPFUL_ACTION
        entries = [e for e in str(action.get("value", "")).split(",") if e]
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id")
        feedback_log.info(
            "feedback: %s",
            "helpful" if helpful else "not helpful",
            extra={
                "helpful": helpful,
                "entries": entries,
                "user": user,
                "team": context.team_id,
                "channel": channel,
            },
        )
        record_request("action", "helpful" if helpful else "not_helpful")
        if body.get("response_url"):
            job = job_from_context(
                context,
                kind="feedback",
                action="helpful" if helpful else "not_helpful",
                value=",".join(entries),
                user=user,
                channel=channel,
                response_url=body.get("response_url"),
            )
            runtime.submit(job, (), token=context.bot_token)


def register_catch_all(app: App) -> None:
    @app.action(re.compile(".*"))
    def acknowledge_other_actions(ack: Ack) -> None:
        ack()
        ignored("action", "unhandled action")
