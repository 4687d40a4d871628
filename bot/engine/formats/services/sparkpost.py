"""SparkPost event webhooks (a batch: an array of `{"msys": {"<class>_event": {...}}}`) and the
flat items of its Events API.

Event types and fields: https://developers.sparkpost.com/api/webhooks/ and
https://developers.sparkpost.com/api/events/ (message_event: injection, delivery, bounce, delay,
policy_rejection, out_of_band, spam_complaint; gen_event: generation_failure,
generation_rejection; track_event: open, initial_open, click; unsubscribe_event). `reason` holds
the receiving server's reply, `error_code` its code, `rcpt_to` the recipient and `bounce_class`
SparkPost's classification (https://support.sparkpost.com/docs/deliverability/bounce-classification-codes,
explained in knowledge/services/sparkpost.toml).
Read as "<raw_reason>\nSparkPost <type> bounce class <bounce_class>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import (
    ACCEPTED,
    AUTO_REPLIED,
    ENGAGEMENT,
    as_dict,
    delivered,
    failure,
    feedback,
    not_an_error,
    scalar,
    text_of,
)

PROVIDER = "SparkPost"
FAILED = frozenset(
    {
        "bounce",
        "policy_rejection",
        "out_of_band",
        "generation_failure",
        "generation_rejection",
        "relay_permfail",
    }
)
DELAYED = frozenset({"delay", "relay_tempfail"})
# The bounce classes SparkPost files in its "Soft" category (the classification table): the
# address may take mail later, so a bounce of one is a soft bounce, whatever event carried it.
SOFT_CLASSES = frozenset({"20", "21", "22", "23", "24", "40", "70", "100"})
AUTO_REPLY_CLASS = "60"  # an out-of-band auto-reply: the message was delivered
QUIET = {
    "injection": ACCEPTED,
    "open": ENGAGEMENT,
    "initial_open": ENGAGEMENT,
    "amp_open": ENGAGEMENT,
    "amp_initial_open": ENGAGEMENT,
    "click": ENGAGEMENT,
    "amp_click": ENGAGEMENT,
    "list_unsubscribe": ENGAGEMENT,
    "link_unsubscribe": ENGAGEMENT,
}
EVENTS = FAILED | DELAYED | {"delivery", "spam_complaint"} | frozenset(QUIET)


def read(obj: dict) -> list[Incident] | None:
    event = _event(obj)
    if event is None:
        return None
    kind = scalar(event.get("type")) or ""
    recipient = event.get("rcpt_to") or event.get("raw_rcpt_to")
    if kind in QUIET:
        return [not_an_error(PROVIDER, kind, recipient, QUIET[kind])]
    if kind == "delivery":
        return [delivered(scalar(event.get("raw_reason")) or "250 SparkPost delivery", recipient)]
    if kind == "spam_complaint":
        feedback_type = scalar(event.get("fbtype")) or "abuse"
        return [feedback(f"Feedback-Type: {feedback_type} SparkPost spam_complaint", recipient)]
    bounce_class = scalar(event.get("bounce_class"))
    if bounce_class == AUTO_REPLY_CLASS:
        return [not_an_error(PROVIDER, f"{kind} bounce class {bounce_class}", recipient, AUTO_REPLIED)]
    action = "delayed" if kind in DELAYED or bounce_class in SOFT_CLASSES else "failed"
    label = f"SparkPost {kind}" + (f" bounce class {bounce_class}" if bounce_class else "")
    text = text_of(event.get("raw_reason") or event.get("reason"), label)
    return [failure(text, recipient, action, reply=event.get("error_code"))]


def _event(obj: dict) -> dict | None:
    """The event record: inside `msys` in a webhook batch, the object itself in the Events API."""
    msys = obj.get("msys")
    if isinstance(msys, dict):
        inner = next((as_dict(v) for k, v in msys.items() if str(k).endswith("_event")), {})
        return inner if scalar(inner.get("type")) in EVENTS else None
    if scalar(obj.get("type")) in EVENTS and ("rcpt_to" in obj or "bounce_class" in obj):
        return obj
    return None
