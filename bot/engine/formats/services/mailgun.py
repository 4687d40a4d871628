"""Mailgun webhooks and Events API items: the current `event-data` layout and the legacy one.

Event types and fields: https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-types
and https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-payloads.
`failed` carries `severity` (permanent: Mailgun gave up; temporary: it retries), `reason`
(bounce, suppress-bounce, old, espblock, generic, ...) and `delivery-status` with the reply's
`code`, `message`, `description` and, where the server gave one, `enhanced-code`. The legacy
webhooks post flat fields (`event` bounced or dropped, `recipient`, `code`, `error`,
`notification`, `description`). Events API items have the `event-data` shape without the wrapper.
Read as "<message>\n<description>\nMailgun <event> <severity> <reason>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ACCEPTED, ENGAGEMENT, as_dict, delivered, failure, feedback, not_an_error, scalar, text_of

PROVIDER = "Mailgun"
FAILED = frozenset({"failed", "rejected", "bounced", "dropped"})
QUIET = {
    "accepted": ACCEPTED,
    "stored": ACCEPTED,
    "opened": ENGAGEMENT,
    "clicked": ENGAGEMENT,
    "unsubscribed": ENGAGEMENT,
}
EVENTS = FAILED | {"delivered", "complained"} | frozenset(QUIET)


def read(obj: dict) -> list[Incident] | None:
    data = obj.get("event-data", obj)
    if not isinstance(data, dict):
        return None
    event = scalar(data.get("event"))
    if event not in EVENTS or "recipient" not in data:
        return None
    recipient = data.get("recipient")
    status = as_dict(data.get("delivery-status"))
    if event in QUIET:
        return [not_an_error(PROVIDER, event, recipient, QUIET[event])]
    if event == "complained":
        return [feedback("Feedback-Type: abuse Mailgun complained", recipient)]
    if event == "delivered":
        reply = text_of(status.get("code"), status.get("message")).replace("\n", " ")
        return [delivered(reply or "250 Mailgun delivered", recipient, status.get("mx-host"))]
    reject = as_dict(data.get("reject"))
    text = text_of(
        status.get("message"),
        status.get("description"),
        data.get("error"),
        data.get("notification"),
        data.get("description"),
        reject.get("reason"),
        reject.get("description"),
        f"Mailgun {event} {scalar(data.get('severity')) or ''} {scalar(data.get('reason')) or ''}",
    )
    action = "delayed" if data.get("severity") == "temporary" else "failed"
    return [
        failure(
            text,
            recipient,
            action,
            reply=status.get("code") or data.get("code"),
            status=status.get("enhanced-code"),
            remote=status.get("mx-host"),
        )
    ]
