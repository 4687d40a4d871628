"""SMTP2GO webhooks: one object per event, posted as JSON or form fields.

Events and fields: https://developers.smtp2go.com/docs/webhooks-1 (processed, delivered, open,
click, bounce, spam, unsubscribe, resubscribe, reject). `rcpt` is the recipient, `message` the
receiving server's words where SMTP2GO has them, `bounce` SMTP2GO's class of a bounce (hard or
soft), `host` the server that refused; a reject is SMTP2GO refusing to send to an address that
hard-bounced, complained or unsubscribed before. `email_id`, `sendtime` and `auth` mark the layout.
Read as "<message>\nSMTP2GO <event> <bounce>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ACCEPTED, ENGAGEMENT, delivered, failure, feedback, not_an_error, scalar, text_of

PROVIDER = "SMTP2GO"
QUIET = {
    "processed": ACCEPTED,
    "open": ENGAGEMENT,
    "click": ENGAGEMENT,
    "unsubscribe": ENGAGEMENT,
    "resubscribe": ENGAGEMENT,
}
EVENTS = frozenset({"delivered", "bounce", "spam", "reject", *QUIET})
MARKERS = ("email_id", "sendtime", "auth")


def read(obj: dict) -> list[Incident] | None:
    event = scalar(obj.get("event"))
    if event not in EVENTS or "rcpt" not in obj or not any(k in obj for k in MARKERS):
        return None
    rcpt = obj.get("rcpt")
    if event in QUIET:
        return [not_an_error(PROVIDER, event, rcpt, QUIET[event])]
    if event == "delivered":
        return [delivered(scalar(obj.get("message")) or "250 SMTP2GO delivered", rcpt)]
    if event == "spam":
        return [feedback("Feedback-Type: abuse SMTP2GO spam", rcpt)]
    kind = scalar(obj.get("bounce")) or ""
    text = text_of(obj.get("message"), f"SMTP2GO {event} {kind}".rstrip())
    # a soft bounce is one SMTP2GO expects to pass; a hard one and a reject are final
    return [failure(text, rcpt, "delayed" if kind == "soft" else "failed")]
