"""Mailtrap Email Sending webhooks: `{"events": [...]}`, one object per event.

Events and fields: https://docs.mailtrap.io/email-api-smtp/advanced/webhooks (delivery, bounce,
soft bounce, spam, unsubscribe, open, click, suspension, reject). Each event has `event`, `email`,
`message_id`, `event_id` and the `sending_stream` (transactional or bulk); a bounce carries the
receiving server's `response` and `response_code` and Mailtrap's `bounce_category`. A reject is
Mailtrap refusing to send to an address on the suppression list.
Read as "<response>\nMailtrap <event> <bounce_category>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ENGAGEMENT, delivered, failure, feedback, not_an_error, scalar, text_of

PROVIDER = "Mailtrap"
ACTIONS = {"bounce": "failed", "reject": "failed", "soft bounce": "delayed", "suspension": None}
QUIET = {"open": ENGAGEMENT, "click": ENGAGEMENT, "unsubscribe": ENGAGEMENT}
EVENTS = frozenset({"delivery", "spam", *ACTIONS, *QUIET})
MARKERS = ("sending_stream", "event_id")


def read(obj: dict) -> list[Incident] | None:
    event = scalar(obj.get("event"))
    if event not in EVENTS or "email" not in obj or not any(k in obj for k in MARKERS):
        return None
    email = obj.get("email")
    if event in QUIET:
        return [not_an_error(PROVIDER, event, email, QUIET[event])]
    if event == "delivery":
        return [delivered(scalar(obj.get("response")) or "250 Mailtrap delivery", email)]
    if event == "spam":
        return [feedback("Feedback-Type: abuse Mailtrap spam", email)]
    label = f"Mailtrap {event} {scalar(obj.get('bounce_category')) or ''}".rstrip()
    text = text_of(obj.get("response"), label)
    return [failure(text, email, ACTIONS[event], reply=obj.get("response_code"))]
