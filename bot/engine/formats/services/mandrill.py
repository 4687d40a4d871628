"""Mandrill (Mailchimp Transactional) message webhooks: an array of `{"event", "msg"}`, posted
as the form field `mandrill_events` (jsonbounce unwraps it).

Events and fields: https://mailchimp.com/developer/transactional/docs/webhooks/ (send, deferral,
hard_bounce, soft_bounce, delivered, open, click, spam, unsub, reject). `msg.diag` holds the receiving
server's reply, `msg.bounce_description` Mandrill's classification of it, and on a deferral
`msg.smtp_events` the attempts with their `diag`.
Read as "<diag>\n<reject reason>\nMandrill <event> <bounce_description>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import (
    ACCEPTED,
    ENGAGEMENT,
    as_dict,
    delivered,
    failure,
    feedback,
    not_an_error,
    records,
    scalar,
    text_of,
)

PROVIDER = "Mandrill"
ACTIONS = {"hard_bounce": "failed", "reject": "failed", "soft_bounce": "delayed", "deferral": "delayed"}
QUIET = {"send": ACCEPTED, "open": ENGAGEMENT, "click": ENGAGEMENT, "unsub": ENGAGEMENT}


def read(obj: dict) -> list[Incident] | None:
    event, msg = scalar(obj.get("event")), obj.get("msg")
    if not isinstance(msg, dict) or event not in {*ACTIONS, *QUIET, "spam", "delivered"}:
        return None
    email = msg.get("email")
    if event == "delivered":
        return [delivered(scalar(msg.get("diag")) or "250 Mandrill delivered", email)]
    if event in QUIET:
        return [not_an_error(PROVIDER, event, email, QUIET[event])]
    if event == "spam":
        return [feedback("Feedback-Type: abuse Mandrill spam", email)]
    attempts = [scalar(e.get("diag")) for e in records(msg.get("smtp_events"))]
    description = scalar(msg.get("bounce_description")) or ""
    text = text_of(
        msg.get("diag") or (attempts[-1] if attempts else None),
        as_dict(msg.get("reject")).get("reason"),
        f"Mandrill {event} {description}",
    )
    return [failure(text, email, ACTIONS[event])]
