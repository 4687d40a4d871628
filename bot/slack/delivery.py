"""Getting an answer to Slack when Slack is failing: which failures are worth another try, how long to
wait, for how long to keep trying, and how to tell whether an earlier try got through after all.

slack-sdk's retry handlers (clients.py) cover short blips within one call. Beyond that a job keeps its
answer and tries again later, on the timer, for `POST_RETRY_SECONDS` (chat.postMessage) or until the
request's response_url expires (Slack keeps it 30 minutes); the job stays journaled meanwhile, so a
replica that dies while waiting leaves it to another. Each post carries message metadata naming its
job, so before posting again after an uncertain failure (the connection dropped after the request
went out) or a takeover, `already_posted` looks for it in the thread with `conversations.replies`.
`Delivery` puts these together for the handlers: `respond` (response_url) and `post` (chat.postMessage).
"""

from __future__ import annotations

import http.client
import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..metrics import record_answer
from ..state import SharedState
from .block_kit import Rendered, fit_blocks
from .clients import Clients, response_url_allowed, webhook_client
from .job import Job
from .lanes import Lane, Scheduler
from .outbox import Outbox

log = logging.getLogger(__name__)

POST_RETRY_SECONDS = 20 * 60
# response_urls are valid for 30 minutes from the request; the last try must start well before that.
RESPONSE_URL_SECONDS = 28 * 60
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 60.0
# Slack's `error` values that say "try again later" rather than "this will never work".
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
METADATA_EVENT = "smtpbot_answer"


def retry_delay(error: BaseException | None, status: int | None, attempt: int) -> float | None:
    """Seconds to wait before try `attempt + 1`, or None when the failure is permanent.

    `error`: what the call raised; `status`: the HTTP status of an answer that was not a success."""
    backoff = min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2**attempt)
    if isinstance(error, SlackApiError):
        response = error.response
        status = getattr(response, "status_code", None)
        if status == 429:
            return max(backoff, _retry_after(getattr(response, "headers", None)))
        code = response.get("error") if response is not None else None
        if (status is not None and status >= 500) or code in TRANSIENT_ERRORS:
            return backoff
        return None
    if error is not None:
        # connection refused or reset, timeouts, a half-read answer: Slack may be back soon
        return backoff if isinstance(error, OSError | http.client.HTTPException) else None
    if status == 429 or (status is not None and status >= 500):
        return backoff
    return None


def _retry_after(headers: Any) -> float:
    if not headers:
        return 0.0
    for name, value in dict(headers).items():
        if str(name).lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return min(MAX_DELAY_SECONDS * 5, max(0.0, float(raw)))
            except (TypeError, ValueError):
                return 0.0
    return 0.0


def answer_metadata(job_id: str) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT, "event_payload": {"job": job_id}}


def already_posted(client: WebClient, channel: str, thread_ts: str, job_id: str) -> str | None:
    """The ts of this job's answer if it is already in the thread. None when it is not, or when Slack
    cannot say (then the caller posts: a rare second answer beats none)."""
    try:
        cursor = None
        for _ in range(10):  # 2,000 replies: far beyond any thread the bot answers in
            page = client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
            )
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                if (metadata.get("event_payload") or {}).get("job") == job_id:
                    return str(message.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
    except Exception as exc:
        log.warning("could not look for an earlier answer", extra={"error": str(exc)[:200]})
    return None


def deadline(received: float, response_url: bool) -> float:
    """The time.time() after which no further try starts."""
    return received + (RESPONSE_URL_SECONDS if response_url else POST_RETRY_SECONDS)


def time_left(until: float) -> float:
    return until - time.time()


def posted_key(job_id: str) -> str:
    """Where a job's answer ts is kept once posted."""
    return f"posted:{job_id}"


def _ignore(_: bool) -> None:
    return None


class Delivery:
    """Sends a job's answers, trying again while Slack fails, and records what was sent so a replica
    taking the job over does not send it twice."""

    def __init__(
        self,
        state: SharedState,
        clients: Clients,
        outbox: Outbox,
        scheduler: Scheduler,
        lanes: dict[str, Lane],
        *,
        api_url: str,
        sent_ttl: float,
        posted_ttl: float,
    ) -> None:
        self.state = state
        self.clients = clients
        self.outbox = outbox
        self.scheduler = scheduler
        self.lanes = lanes
        self.api_url = api_url
        self.sent_ttl = sent_ttl  # a response_url step's "sent" mark: as long as the URL may be used
        self.posted_ttl = posted_ttl  # a posted answer's ts: as long as the thread is de-duplicated

    def respond(
        self, job: Job, payload: dict[str, Any], then: Callable[[bool], None] = _ignore, step: str = "answer"
    ) -> None:
        """Post to the request's response_url (works in DMs and channels the bot is not in), trying again
        while Slack fails and the URL is valid; then `then(delivered)`. Each `step` of a job is sent
        once: a job taken over from a dead replica skips the steps it recorded as sent."""
        url = job.response_url
        if not url or not response_url_allowed(url, self.api_url):
            log.warning("no usable response_url; answer dropped", extra={"kind": job.kind})
            then(False)
            return
        sent_key = f"{posted_key(job.id)}:{step}"
        if job.taken_over and self.state.get(sent_key):
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
                self.state.put(sent_key, "1", self.sent_ttl)
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
        client = self.clients.client_for(job.team_id, job.enterprise_id, job.id)
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
                ts = self.state.get(posted_key(job.id)) or already_posted(client, channel, thread_ts, job.id)
                if ts:
                    log.info("the answer is already in the thread", extra={"channel": channel})
                    then(ts)
                    return
            self.outbox.send(channel, call, lambda response, error: posted(n, response, error))

        def posted(n: int, response: Any, error: BaseException | None) -> None:
            if error is None:
                ts = response.get("ts")
                self.state.put(posted_key(job.id), str(ts), self.posted_ttl)
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

        self.scheduler.call_later(delay, lambda: self.lanes[job.lane].submit(run))
