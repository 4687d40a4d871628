"""The steps answers of every kind share: explain a text (timed and logged), claim the findings a
thread has not been told yet, and build a private answer with its *Share in channel* button."""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from typing import Any

from ...engine.model import Explanation, Finding
from ...logs import log_text
from ...metrics import observe_explain_seconds, record_answer, record_findings
from ..answer_blocks import render_explanation
from ..job import Job
from .context import Context, Done

log = logging.getLogger(__name__)


def share_key(share_id: str) -> str:
    return f"share:{share_id}"


def answered_key(channel: str, thread_ts: str, finding: Finding) -> str:
    """One finding in one thread. Hashed: recipients are addresses and keys may be logged."""
    identity = "|".join(
        [finding.entry_id, finding.reply_code or "", finding.enhanced_code or "", finding.recipient or ""]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    return f"answered:{channel}:{thread_ts}:{digest}"


def explain(ctx: Context, text: str, mode: str) -> Explanation:
    started = time.perf_counter()
    explanation = ctx.engine.explain(text, mode)  # type: ignore[arg-type]
    observe_explain_seconds(time.perf_counter() - started)
    record_findings(f.reason for f in explanation.findings)
    log.info(
        "explained",
        extra={
            "mode": mode,
            "input_kind": explanation.input_kind,
            "findings": [f.entry_id for f in explanation.findings],
            "text": log_text(text),
        },
    )
    return explanation


def unanswered(ctx: Context, job: Job, thread_ts: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The findings not yet answered in this thread (claiming them for this job)."""
    assert job.channel
    ttl = ctx.tunables.answered_ttl
    return tuple(
        f for f in findings if ctx.state.claim(answered_key(job.channel, thread_ts, f), ttl, owner=job.id)
    )


def private_answer(ctx: Context, job: Job, explanation: Explanation) -> dict[str, Any]:
    """An ephemeral answer with a *Share in channel* button; the shareable version (addresses hidden
    as in any channel answer) waits in shared state for the click."""
    share_id = None
    if explanation.findings or explanation.headers is not None:
        share_id = uuid.uuid4().hex
        shared = render_explanation(
            explanation, audience="channel", show_addresses=ctx.settings.smtpbot_show_addresses
        )
        ctx.state.put(share_key(share_id), json.dumps(shared.message()), ctx.tunables.share_ttl)
    rendered = render_explanation(explanation, audience="private", share_id=share_id)
    rendered = ctx.live_checks.for_private(job, explanation, rendered)
    return {"response_type": "ephemeral", **rendered.message()}


def responded(delivered: bool, done: Done) -> None:
    """After a private answer: count it if it reached Slack, and finish the job either way."""
    if delivered:
        record_answer("explicit", "respond")
    done()
