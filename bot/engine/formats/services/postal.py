"""Postal (the open-source mail server) webhooks: `{"event", "timestamp", "uuid", "payload"}`.

Events and fields: https://docs.postalserver.io/developer/webhooks (MessageSent, MessageDelayed,
MessageDeliveryFailed, MessageHeld, MessageBounced, MessageLinkClicked, MessageLoaded). A delivery
event's payload has the `message` (with `to`), Postal's `status` (Sent, SoftFail, HardFail, Held),
its `details` and the receiving server's `output`; MessageBounced has the `original_message` and
the `bounce` Postal received for it.
Read as "<output>\n<details>\nPostal <event> <status>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ENGAGEMENT, as_dict, delivered, failure, not_an_error, scalar, text_of

PROVIDER = "Postal"
HINT = "docs.postalserver.io"  # what knowledge/providers.toml recognises Postal by
# A held message waits for someone to release it: neither given up on nor retried by itself.
ACTIONS = {
    "MessageDeliveryFailed": "failed",
    "MessageBounced": "failed",
    "MessageDelayed": "delayed",
    "MessageHeld": None,
}
QUIET = {"MessageLinkClicked": ENGAGEMENT, "MessageLoaded": ENGAGEMENT}


def read(obj: dict) -> list[Incident] | None:
    event, payload = scalar(obj.get("event")), obj.get("payload")
    if not isinstance(payload, dict) or event not in {*ACTIONS, *QUIET, "MessageSent"}:
        return None
    message = as_dict(payload.get("message") or payload.get("original_message"))
    recipient = message.get("to")
    if event in QUIET:
        return [not_an_error(PROVIDER, event, recipient, QUIET[event])]
    if event == "MessageSent":
        return [delivered(scalar(payload.get("output")) or "250 Postal MessageSent", recipient)]
    label = f"Postal {event} {scalar(payload.get('status')) or ''}".rstrip()
    text = text_of(payload.get("output"), payload.get("details"), label)
    return [failure(text, recipient, ACTIONS[event])]
