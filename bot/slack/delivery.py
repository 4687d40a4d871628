"""Getting an answer to Slack when Slack is failing: which failures are worth another try, how long to
wait, for how long to keep trying, and how to tell whether an earlier try got through after all.

slack-sdk's retry handlers (clients.py) cover short blips within one call. Beyond that a job keeps its
answer and tries again later, on the timer, for `POST_RETRY_SECONDS` (chat.postMessage) or until the
request's response_url expires (Slack keeps it 30 minutes); the job stays journaled meanwhile, so a
replica that dies while waiting leaves it to another. Each post carries message metadata naming its
job, so before posting again after an uncertain failure (the connection dropped after the request
went out) or a takeover, `already_posted` looks for it in the thread with `conversations.replies`.
"""

from __future__ import annotations

import http.client
import logging
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

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
