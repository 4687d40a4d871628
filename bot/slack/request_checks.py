"""What a request must be before Bolt sees it: signed by Slack, then a body of the shape Slack sends.

The signature is checked on the raw bytes before anything parses them, so an unsigned body, however
malformed, costs one HMAC and gets a 401. A signed body that is not a JSON object is a 400. A signed
payload whose known parts have the wrong types (`actions: [1]`, a string `message`) is acknowledged and
ignored: Slack expects a 200 for every interaction, and retrying it would not make it readable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context

# Slack's own rule: a request more than five minutes old may be a replay.
MAX_AGE_SECONDS = 5 * 60
# Parts that Bolt and our listeners read as objects, or as lists of objects: of a payload (interactions,
# event callbacks) and of the event an event callback carries.
PAYLOAD_OBJECTS = ("team", "enterprise", "user", "channel", "message", "container", "view", "event")
EVENT_OBJECTS = ("message", "previous_message")
LISTS_OF_OBJECTS = ("actions", "authorizations", "attachments", "blocks", "files")


@dataclass(frozen=True, slots=True)
class Verdict:
    """`status` 0: pass the request on; otherwise answer with it (and log `why`)."""

    status: int
    why: str = ""


PASS = Verdict(0)


def signature_verdict(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float | None = None
) -> Verdict:
    """401 unless `signature` is Slack's v0 HMAC of the body for a recent numeric `timestamp`."""
    if not timestamp or not signature:
        return Verdict(401, "unsigned")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return Verdict(401, "timestamp is not a number")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
        return Verdict(401, "stale timestamp")
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return Verdict(401, "bad signature")
    return PASS


def shape_problem(payload: Any) -> str | None:
    """Why a parsed payload cannot be handled, or None."""
    if not isinstance(payload, dict):
        return f"a JSON {type(payload).__name__}, not an object"
    event = payload.get("event")
    for part, objects in ((payload, PAYLOAD_OBJECTS), (event, EVENT_OBJECTS)):
        if not isinstance(part, dict):
            continue
        for key in objects:
            if part.get(key) is not None and not isinstance(part[key], dict):
                return f"{key} is not an object"
        for key in LISTS_OF_OBJECTS:
            value = part.get(key)
            if value is not None and not (
                isinstance(value, list) and all(isinstance(v, dict) for v in value)
            ):
                return f"{key} is not a list of objects"
    return None


def parse_payload(text: str, content_type: str | None) -> Any:
    """The payload as Slack sent it: a JSON body, an interaction's `payload=` form field, or a plain form
    (slash commands). Raises ValueError for JSON that does not parse.

    Bolt's own parser takes any form that merely contains the word "payload" for an interaction and
    reads it as empty, so `/smtp 552 message payload too large` would vanish; this one looks for the
    field."""
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    return json.loads(form["payload"]) if "payload" in form else form


def body_verdict(text: str, content_type: str | None) -> tuple[Verdict, Any]:
    """For a signed body: 400 when it is not a JSON object (or form of one), 200 when its parts have the
    wrong types, else pass; and the payload."""
    try:
        payload = parse_payload(text, content_type)
    except ValueError:
        return Verdict(400, "body is not JSON or a form"), None
    if not isinstance(payload, dict):
        return Verdict(400, shape_problem(payload) or "not an object"), payload
    problem = shape_problem(payload)
    return (Verdict(200, problem) if problem else PASS), payload


def bolt_request(
    text: str, payload: dict[str, Any], query: str, headers: dict[str, list[str]]
) -> BoltRequest:
    """Bolt's request for a checked body, carrying `payload` where Bolt would have misread it."""
    request = BoltRequest(body=text, query=query, headers=headers)
    if request.body != payload:
        request.body = payload
        request.context = build_context(BoltContext(), payload)
    return request


def payload_problem(payload: Any) -> str | None:
    """For Socket Mode envelopes (not signed: the connection is Slack's own)."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return "not JSON"
    return shape_problem(payload)
