"""Brevo (formerly Sendinblue) transactional email webhooks: one object per event.

Events: https://developers.brevo.com/docs/transactional-webhooks and the event names of
https://developers.brevo.com/reference/gettransacemailcontent (request/sent, delivered,
hard_bounce, soft_bounce, blocked, spam, invalid_email, deferred, click, opened, unique_opened,
unsubscribed, error). `reason` holds the receiving server's reply or Brevo's own words;
`message-id` and `ts_event` mark the layout. Webhook settings name the events in camel case
(hardBounce, uniqueOpened), which some relays pass on; both spellings are read.
Read as "<reason>\nBrevo <event>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ACCEPTED, ENGAGEMENT, delivered, failure, feedback, not_an_error, scalar

PROVIDER = "Brevo"
ACTIONS = {
    "hard_bounce": "failed",
    "blocked": "failed",
    "invalid_email": "failed",
    "error": "failed",
    "soft_bounce": "delayed",
    "deferred": "delayed",
}
QUIET = {
    "request": ACCEPTED,
    "sent": ACCEPTED,
    "click": ENGAGEMENT,
    "opened": ENGAGEMENT,
    "unique_opened": ENGAGEMENT,
    "proxy_open": ENGAGEMENT,
    "unique_proxy_open": ENGAGEMENT,
    "unsubscribed": ENGAGEMENT,
}
MARKERS = ("message-id", "ts_event", "ts_epoch")


def read(obj: dict) -> list[Incident] | None:
    event = _snake_case(scalar(obj.get("event")) or "")
    known = event in ACTIONS or event in QUIET or event in ("delivered", "spam")
    if not known or "email" not in obj or not any(k in obj for k in MARKERS):
        return None
    email = obj.get("email")
    if event in QUIET:
        return [not_an_error(PROVIDER, event, email, QUIET[event])]
    if event == "delivered":
        return [delivered(scalar(obj.get("reason")) or "250 Brevo delivered", email)]
    if event == "spam":
        return [feedback("Feedback-Type: abuse Brevo spam", email)]
    text = f"{scalar(obj.get('reason')) or ''}\nBrevo {event}".strip()
    return [failure(text, email, ACTIONS[event])]


def _snake_case(event: str) -> str:
    """hardBounce as hard_bounce: the webhook settings' spelling of the payload's event names."""
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in event).lstrip("_")
