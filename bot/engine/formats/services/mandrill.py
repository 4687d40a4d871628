"""Mandrill (Mailchimp Transactional) message webhooks: an array of `{"event", "msg"}`, posted
as the form field `mandrill_events` (jsonbounce unwraps it).

Events and fields: https://mailchimp.com/developer/transactional/docs/webhooks/ (send, deferral,
hard_bounce, soft_bounce, delivered, open, click, spam, unsub, reject). `msg.diag` holds the receiving
server's reply, `msg.bounce_description` Mandrill's classification of it, and on a deferral
`msg.smtp_events` the attempts with their `diag`.
Read as "<diag>\n<reject reason>\nMandrill <event> <bounce_description or reject reason>".

The send API's answer (https://mailchimp.com/developer/transactional/api/messages/send-new-message/)
is pasted too: one `{"email", "status", "reject_reason", "_id"}` per recipient, status sent,
queued, scheduled, rejected or invalid. A rejected one is read as "Mandrill reject <reject_reason>",
like the webhook's reject event; a rejection for a soft bounce expires, so it is a delay.
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
# The send API's statuses: accepted ones, and the two that report no sending
API_ACCEPTED = frozenset({"sent", "queued", "scheduled"})
API_STATUSES = API_ACCEPTED | {"rejected", "invalid"}
TEMPORARY_REJECTS = frozenset({"soft-bounce"})  # a rejection that expires by itself


def read(obj: dict) -> list[Incident] | None:
    event, msg = scalar(obj.get("event")), obj.get("msg")
    if not isinstance(msg, dict):
        return _api_result(obj)
    if event not in {*ACTIONS, *QUIET, "spam", "delivered"}:
        return None
    email = msg.get("email")
    if event == "delivered":
        return [delivered(scalar(msg.get("diag")) or "250 Mandrill delivered", email)]
    if event in QUIET:
        return [not_an_error(PROVIDER, event, email, QUIET[event])]
    if event == "spam":
        return [feedback("Feedback-Type: abuse Mandrill spam", email)]
    attempts = [scalar(e.get("diag")) for e in records(msg.get("smtp_events"))]
    reject_reason = scalar(as_dict(msg.get("reject")).get("reason"))
    description = scalar(msg.get("bounce_description")) or reject_reason or ""
    text = text_of(
        msg.get("diag") or (attempts[-1] if attempts else None),
        reject_reason,
        f"Mandrill {event} {description}",
    )
    return [failure(text, email, ACTIONS[event])]


def _api_result(obj: dict) -> list[Incident] | None:
    """One recipient's line of the send API's answer, or None when the object is none."""
    status, email = scalar(obj.get("status")), obj.get("email")
    if status not in API_STATUSES or "_id" not in obj or not isinstance(email, str):
        return None
    if status in API_ACCEPTED:
        return [not_an_error(PROVIDER, status, email, ACCEPTED)]
    if status == "invalid":
        return [failure("Mandrill invalid", email, "failed")]
    reason = scalar(obj.get("reject_reason")) or ""
    action = "delayed" if reason in TEMPORARY_REJECTS else "failed"
    return [failure(f"Mandrill reject {reason}".rstrip(), email, action)]
