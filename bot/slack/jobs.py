"""The slow half of every request: explain, render, post. Runs on a worker lane after the ack.

Each handler gets the job and a `done` callback and must call it exactly once, when the job's last Slack
call has finished (the runtime calls it if a handler raises). Until then the job stays in the journal.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..engine.model import Explanation, Finding
from ..logs import log_text
from ..metrics import observe_explain_seconds, record_answer, record_findings
from .blocks import Rendered, context, fit_blocks, render_explanation
from .clients import response_url_allowed, webhook_client
from .delivery import already_posted, answer_metadata, deadline, retry_delay, time_left
from .flood import flood_key
from .help_blocks import home_view, render_list, render_search, render_text, render_usage
from .job import Job
from .live_checks import LiveChecks

if TYPE_CHECKING:
    from .runtime import BotRuntime

log = logging.getLogger(__name__)

Done = Callable[[], None]

ALREADY_ANSWERED = "I already explained this in this thread — see my answer above."
SHARE_EXPIRED = "That answer is too old to share now. Run the command again and share the new answer."


def _ignore(_: bool) -> None:
    return None


def posted_key(job_id: str) -> str:
    """Where a job's answer ts is kept once posted."""
    return f"posted:{job_id}"


def share_key(share_id: str) -> str:
    return f"share:{share_id}"


def answered_key(channel: str, thread_ts: str, finding: Finding) -> str:
    """One finding in one thread. Hashed: recipients are addresses and keys may be logged."""
    identity = "|".join(
        [finding.entry_id, finding.reply_code or "", finding.enhanced_code or "", finding.recipient or ""]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    return f"answered:{channel}:{thread_ts}:{digest}"


class JobHandlers:
    def __init__(self, runtime: BotRuntime) -> None:
        self.rt = runtime
        self.live_checks = LiveChecks(runtime)

    def run(self, job: Job, done: Done) -> None:
        handler = getattr(self, f"_{job.kind}", None)
        if handler is None:
            log.error("unknown job kind", extra={"kind": job.kind})
            done()
            return
        handler(job, done)

    # --- shared steps ---------------------------------------------------------------------------

    def explain(self, text: str, mode: str) -> Explanation:
        started = time.perf_counter()
        explanation = self.rt.engine.explain(text, mode)  # type: ignore[arg-type]
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

    def unanswered(self, job: Job, thread_ts: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """The findings not yet answered in this thread (claiming them for this job)."""
        assert job.channel
        ttl = self.rt.tunables.answered_ttl
        return tuple(
            f
            for f in findings
            if self.rt.state.claim(answered_key(job.channel, thread_ts, f), ttl, owner=job.id)
        )

    def respond(
        self, job: Job, payload: dict[str, Any], then: Callable[[bool], None] = _ignore, step: str = "answer"
    ) -> None:
        """Post to the request's response_url (works in DMs and channels the bot is not in), trying again
        while Slack fails and the URL is valid; then `then(delivered)`. Each `step` of a job is sent
        once: a job taken over from a dead replica skips the steps it recorded as sent."""
        url = job.response_url
        if not url or not response_url_allowed(url, self.rt.settings.api_url):
            log.warning("no usable response_url; answer dropped", extra={"kind": job.kind})
            then(False)
            return
        sent_key = f"{posted_key(job.id)}:{step}"
        if job.taken_over and self.rt.state.get(sent_key):
            then(True)
            return
        if payload.get("blocks"):
            payload = {**payload, "blocks": fit_blocks(payload["blocks"])}
        until = deadline(job.received, response_url=True)

        def attempt(n: int) -> None:
            # on the job's own lane, not the send lane: posts stuck on a slow Web API must not hold it up
            response, error = None, None
            try:
                response = webhook_client(url).send_dict(payload)
            except Exception as exc:
                error = exc
            status = None if response is None else response.status_code
            if error is None and status == 200:
                self.rt.state.put(sent_key, "1", self.rt.tunables.share_ttl)
                then(True)
                return
            delay = retry_delay(error, status, n)
            detail = {"status": status, "error": str(error or getattr(response, "body", ""))[:200]}
            if delay is not None and time_left(until) > delay:
                log.warning("response_url post failed; trying again", extra={**detail, "in_seconds": delay})
                self.later(job, delay, lambda: attempt(n + 1), lambda: then(False))
                return
            log.error("answer not delivered to response_url", extra={**detail, "attempts": n + 1})
            record_answer("explicit", "undelivered")
            then(False)

        attempt(0)

    def post(self, job: Job, thread_ts: str | None, rendered: Rendered, mode: str, then: Callable) -> None:
        """chat.postMessage in the job's channel, at the channel's pace, trying again while Slack fails;
        `then(ts or None)`. The ts is recorded before `then`, so a replica taking the job over knows."""
        client = self.rt.client_for(job.team_id, job.enterprise_id, job.id)
        channel = job.channel
        if client is None or not channel:
            log.error("no token for this workspace; answer dropped", extra={"team": job.team_id})
            then(None)
            return
        until = deadline(job.received, response_url=False)

        def call() -> Any:
            return client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                blocks=fit_blocks(rendered.blocks),
                text=rendered.text,
                unfurl_links=False,
                unfurl_media=False,
                metadata=answer_metadata(job.id),
            )

        def attempt(n: int) -> None:
            if (n or job.taken_over) and thread_ts:
                ts = self.rt.state.get(posted_key(job.id)) or already_posted(
                    client, channel, thread_ts, job.id
                )
                if ts:
                    log.info("the answer is already in the thread", extra={"channel": channel})
                    then(ts)
                    return
            self.rt.outbox.send(channel, call, lambda response, error: posted(n, response, error))

        def posted(n: int, response: Any, error: BaseException | None) -> None:
            if error is None:
                ts = response.get("ts")
                self.rt.state.put(posted_key(job.id), str(ts), self.rt.tunables.answered_ttl)
                record_answer(mode, "post")
                then(ts)
                return
            delay = retry_delay(error, None, n)
            detail = {"channel": channel, "error": str(error)[:300]}
            if delay is not None and time_left(until) > delay:
                log.warning("chat.postMessage failed; trying again", extra={**detail, "in_seconds": delay})
                self.later(job, delay, lambda: attempt(n + 1), lambda: then(None))
                return
            log.error("answer not delivered", extra={**detail, "attempts": n + 1})
            record_answer(mode, "undelivered")
            then(None)

        attempt(0)

    def later(self, job: Job, delay: float, step: Callable[[], None], give_up: Callable[[], None]) -> None:
        """Run `step` on the job's lane after `delay` seconds (the timer thread itself never waits on
        Slack); `give_up` if it raises."""

        def run() -> None:
            try:
                step()
            except Exception:
                log.exception("retrying an answer failed", extra={"kind": job.kind})
                give_up()

        self.rt.scheduler.call_later(delay, lambda: self.rt.lanes[job.lane].submit(run))

    def private_answer(self, job: Job, explanation: Explanation) -> dict[str, Any]:
        """An ephemeral answer with a *Share in channel* button; the shareable version (addresses hidden
        as in any channel answer) waits in shared state for the click."""
        share_id = None
        if explanation.findings or explanation.headers is not None:
            share_id = uuid.uuid4().hex
            shared = render_explanation(
                explanation, audience="channel", show_addresses=self.rt.settings.smtpbot_show_addresses
            )
            self.rt.state.put(share_key(share_id), json.dumps(shared.message()), self.rt.tunables.share_ttl)
        rendered = render_explanation(explanation, audience="private", share_id=share_id)
        rendered = self.live_checks.for_private(job, explanation, rendered)
        return {"response_type": "ephemeral", **rendered.message()}

    # --- kinds ------------------------------------------------------------------------------------

    def _command(self, job: Job, done: Done) -> None:
        if job.action == "list":
            payload = {
                "response_type": "ephemeral",
                **render_list(job.text, self.rt.engine.list_prefix(job.text)).message(),
            }
        elif job.action == "search":
            payload = {
                "response_type": "ephemeral",
                **render_search(job.text, self.rt.engine.search(job.text)).message(),
            }
        else:
            payload = self.private_answer(job, self.explain(job.text, "explicit"))
        self.respond(job, payload, lambda ok: self._responded(ok, done))

    def _shortcut(self, job: Job, done: Done) -> None:
        explanation = self.explain(job.text, "explicit")
        self.respond(job, self.private_answer(job, explanation), lambda ok: self._responded(ok, done))

    @staticmethod
    def _responded(delivered: bool, done: Done) -> None:
        if delivered:
            record_answer("explicit", "respond")
        done()

    def _mention(self, job: Job, done: Done) -> None:
        """A mention in a channel or a direct message: explicit mode, answered in the thread."""
        explanation = self.explain(job.text, "explicit")
        thread_ts = job.thread_ts or job.ts
        assert thread_ts
        private = job.channel_type == "im"
        answered = None  # what the answer explains, for the live checks that follow it
        if explanation.input_kind == "empty":
            rendered = render_usage()
        elif not explanation.findings and explanation.headers is None:
            rendered = render_text(explanation.notice or "Nothing to explain.")
        else:
            fresh = self.unanswered(job, thread_ts, explanation.findings)
            if not fresh and explanation.headers is None:
                rendered = render_text(ALREADY_ANSWERED)
            else:
                answered = dataclasses.replace(explanation, findings=fresh)
                rendered = render_explanation(
                    answered,
                    audience="private" if private else "channel",
                    show_addresses=self.rt.settings.smtpbot_show_addresses,
                )
        live = self.live_checks.prepare(job, answered, rendered)
        self.post(job, thread_ts, live.rendered, "explicit", lambda ts: live.follow_up(ts, done))

    def _alert(self, job: Job, done: Done) -> None:
        """A message in an alert channel: passive mode, flood-controlled."""
        explanation = self.explain(job.text, "passive")
        if not explanation.findings:
            done()  # ordinary chat: no Slack call at all
            return
        assert job.channel and job.ts
        thread_ts = job.thread_ts or job.ts
        fresh = self.unanswered(job, thread_ts, explanation.findings)
        if not fresh:
            done()
            return
        explanation = dataclasses.replace(explanation, findings=fresh)
        key = flood_key(job.channel, fresh[0])
        tun = self.rt.tunables
        hit = self.rt.state.flood_hit(
            key, f"{job.channel}:{job.ts}", self.rt.settings.smtpbot_flood_window, tun.flood_poster_lease
        )
        if not hit.post:
            if hit.state.answer_ts:
                self.rt.flood.request_update(key)
            done()  # counted; the answer shows it with the next update
            return
        rendered = render_explanation(
            explanation, audience="channel", show_addresses=self.rt.settings.smtpbot_show_addresses
        )
        rendered = self.live_checks.for_alert(job, explanation, rendered)
        self.rt.flood.remember_answer(
            key,
            {
                "channel": job.channel,
                "team_id": job.team_id,
                "enterprise_id": job.enterprise_id,
                "blocks": rendered.blocks,
                "text": rendered.text,
            },
        )

        def posted(ts: str | None) -> None:
            try:
                if ts:
                    after = self.rt.state.flood_posted(key, ts, shown=1)
                    if after is not None and after.count > 1:
                        self.rt.flood.request_update(key)
            finally:
                done()

        self.post(job, thread_ts, rendered, "passive", posted)

    def _share(self, job: Job, done: Done) -> None:
        raw = self.rt.state.get(share_key(job.value or ""))
        if raw is None:
            expired = {"response_type": "ephemeral", "replace_original": False, "text": SHARE_EXPIRED}
            self.respond(job, expired, lambda _: done())
            return
        message = json.loads(raw)
        blocks = [context(f"Shared by <@{job.user}>"), *message["blocks"]] if job.user else message["blocks"]

        def shared(ok: bool) -> None:
            if not ok:
                done()
                return
            record_answer("explicit", "share")
            self.respond(job, {"delete_original": True}, lambda _: done(), step="delete")

        self.respond(
            job,
            {
                "response_type": "in_channel",
                "replace_original": False,
                "blocks": blocks,
                "text": message["text"],
            },
            shared,
        )

    def _feedback(self, job: Job, done: Done) -> None:
        self.respond(
            job,
            {
                "response_type": "ephemeral",
                "replace_original": False,
                "text": "Thanks, noted."
                if job.action == "helpful"
                else "Thanks, noted: this answer needs work.",
            },
            lambda _: done(),
        )

    def _home(self, job: Job, done: Done) -> None:
        client = self.rt.client_for(job.team_id, job.enterprise_id, job.id)
        if client is not None and job.user:
            client.views_publish(
                user_id=job.user,
                view=home_view(
                    sorted(self.rt.alert_channels),
                    self.rt.settings.smtpbot_flood_window,
                    self.rt.settings.smtpbot_show_addresses,
                ),
            )
        done()
