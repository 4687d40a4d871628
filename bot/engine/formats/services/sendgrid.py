"""Twilio SendGrid Event Webhook records: an array of events, one object per event.

Events and fields as https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
documents them: delivery events (processed, deferred, delivered, bounce with `type` bounce or
blocked, dropped with its `reason`), engagement events (open, click, spamreport, unsubscribe,
group_unsubscribe, group_resubscribe). `reason` holds the receiving server's reply on a bounce
and SendGrid's own words on a drop; `response` holds the reply on a deferral or delivery;
`status` is the enhanced status code.
Read as "<reason or response>\nSendGrid <event> <type> <bounce_classification>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ACCEPTED, ENGAGEMENT, delivered, failure, feedback, not_an_error, scalar

PROVIDER = "SendGrid"
FAILED = frozenset({"bounce", "dropped", "blocked"})
QUIET = {
    "processed": ACCEPTED,
    "open": ENGAGEMENT,
    "click": ENGAGEMENT,
    "unsubscribe": ENGAGEMENT,
    "group_unsubscribe": ENGAGEMENT,
    "group_resubscribe": ENGAGEMENT,
}
EVENTS = FAILED | {"deferred", "delivered", "spamreport"} | frozenset(QUIET)
MARKERS = ("sg_event_id", "sg_message_id", "smtp-id")


def read(obj: dict) -> list[Incident] | None:
    event = scalar(obj.get("event"))
    if event not in EVENTS or not ("email" in obj or any(k in obj for k in MARKERS)):
        return None
    email = obj.get("email")
    if event in QUIET:
        return [not_an_error(PROVIDER, event, email, QUIET[event])]
    if event == "delivered":
        return [delivered(scalar(obj.get("response")) or "250 SendGrid delivered", email)]
    if event == "spamreport":
        return [feedback("Feedback-Type: abuse SendGrid spamreport", email)]
    action = "delayed" if event == "deferred" else "failed"
    labels = " ".join(scalar(obj.get(k)) or "" for k in ("event", "type", "bounce_classification"))
    reply = scalar(obj.get("reason")) or scalar(obj.get("response")) or ""
    return [
        failure(
            f"{reply}\nSendGrid {labels}".rstrip(),
            email,
            action,
            reply=obj.get("status"),
            status=obj.get("status"),
        )
    ]
