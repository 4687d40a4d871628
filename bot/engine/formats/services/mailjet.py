"""Mailjet Event API notifications: one object per event, or an array of them when grouped.

Events and fields: https://dev.mailjet.com/email/guides/webhooks/ and
https://documentation.mailjet.com/hc/en-us/articles/360043578154-Event-Tracking-API (sent,
open, click, bounce, blocked, spam, unsub). A bounce carries `hard_bounce` (true when the error
is permanent), `error_related_to` (recipient, domain, content, spam, system, mailjet), `error`
(Mailjet's name for the error) and `comment` (the receiving server's words, when given);
`blocked` means Mailjet did not send the message at all.
Read as "<comment>\nMailjet <event> <error_related_to>: <error>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ENGAGEMENT, delivered, failure, feedback, not_an_error, scalar, text_of

PROVIDER = "Mailjet"
MARKERS = (
    "mj_campaign_id",
    "mj_contact_id",
    "mj_message_id",
    "Message_GUID",
    "error_related_to",
    "MessageID",
)
QUIET = {"open": ENGAGEMENT, "click": ENGAGEMENT, "unsub": ENGAGEMENT}
EVENTS = frozenset({"sent", "bounce", "blocked", "spam", *QUIET})


def read(obj: dict) -> list[Incident] | None:
    event = scalar(obj.get("event"))
    if event not in EVENTS or "email" not in obj or not any(k in obj for k in MARKERS):
        return None
    email = obj.get("email")
    if event in QUIET:
        return [not_an_error(PROVIDER, event, email, QUIET[event])]
    if event == "sent":
        return [delivered(scalar(obj.get("smtp_reply")) or "250 Mailjet sent", email)]
    if event == "spam":
        return [
            feedback(f"Feedback-Type: abuse Mailjet spam {scalar(obj.get('source')) or ''}".rstrip(), email)
        ]
    related, error = scalar(obj.get("error_related_to")) or "", scalar(obj.get("error")) or ""
    text = text_of(obj.get("comment"), f"Mailjet {event} {related}: {error}")
    # a blocked message was never sent; a bounce says itself whether it is final
    action = "failed" if event == "blocked" or obj.get("hard_bounce") is True else "delayed"
    return [failure(text, email, action)]
