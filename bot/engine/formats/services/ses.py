"""Amazon SES notifications (`notificationType`) and event publishing records (`eventType`).

Both layouts put the event's details under a key named after its type; SNS delivers either as
a JSON string in its envelope's `Message` (jsonbounce unwraps it). Event types and fields:
https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html and
https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
(Bounce with bounceType Permanent/Transient/Undetermined, Complaint, Delivery, Send, Reject,
Open, Click, Rendering Failure, DeliveryDelay with delayType, Subscription).
Read as "<diagnosticCode>\nSES bounce: <bounceType> <bounceSubType>", "SES delivery delay:
<delayType>", "SES reject: <reason>", "SES rendering failure" and "Feedback-Type: <type> SES
complaint". The bounce or delay object copied on its own from a console or a log (bounceType,
bounceSubType and bouncedRecipients; delayType and delayedRecipients), or with only its key
around it (`"bounce": {...}`), is read as the event it comes from.
"""

from __future__ import annotations

from typing import Any

from ...incident import Incident
from .record import (
    ACCEPTED,
    ENGAGEMENT,
    addresses,
    as_dict,
    delivered,
    failure,
    feedback,
    not_an_error,
    records,
    scalar,
    text_of,
)

PROVIDER = "Amazon SES"
# The event types that report no failure, and what each says.
QUIET = {"Send": ACCEPTED, "Open": ENGAGEMENT, "Click": ENGAGEMENT, "Subscription": ENGAGEMENT}


def read(obj: dict) -> list[Incident] | None:
    """The event's records, or None when the object is no SES notification or event."""
    kind = scalar(obj.get("notificationType")) or scalar(obj.get("eventType"))
    if kind is None:
        return _copied_part(obj)
    if not isinstance(obj.get("mail", {}), dict):
        return None
    destination = addresses(as_dict(obj.get("mail")).get("destination"))
    if kind in QUIET:
        return [not_an_error("SES", kind.lower(), a, QUIET[kind]) for a in destination]
    reader = READERS.get(kind)
    if reader is None:
        return None
    reader_fn, key = reader
    body = obj.get(key)
    if not isinstance(body, dict):
        return [] if key in obj else None
    return reader_fn(body, destination)


def _copied_part(obj: dict) -> list[Incident] | None:
    """A bounce or delay object without the event around it, or with only its key; its own
    field names (which only SES uses) say what it is."""
    for body in (obj, as_dict(obj.get("bounce")), as_dict(obj.get("deliveryDelay"))):
        if "bounceType" in body and "bouncedRecipients" in body:
            return _bounce(body, [])
        if "delayType" in body and "delayedRecipients" in body:
            return _delay(body, [])
    return None


def _bounce(bounce: dict, _destination: list[str]) -> list[Incident]:
    words = f"{scalar(bounce.get('bounceType')) or ''} {scalar(bounce.get('bounceSubType')) or ''}".strip()
    # SES gives up on a Permanent bounce; a Transient or Undetermined one may pass another time
    action = "failed" if bounce.get("bounceType") == "Permanent" else "delayed"
    return _recipients(
        bounce.get("bouncedRecipients"), f"SES bounce: {words}", action, bounce.get("remoteMtaIp")
    )


def _delay(delay: dict, _destination: list[str]) -> list[Incident]:
    label = f"SES delivery delay: {scalar(delay.get('delayType')) or ''}"
    return _recipients(delay.get("delayedRecipients"), label, "delayed", delay.get("reportingMTA"))


def _recipients(listed: Any, label: str, action: str, remote: Any) -> list[Incident]:
    """One record per listed recipient: its diagnostic code, then SES's words for the event."""
    return [
        failure(
            f"{scalar(r.get('diagnosticCode')) or ''}\n{label}".strip(),
            r.get("emailAddress"),
            action,
            status=r.get("status"),
            remote=remote,
        )
        for r in records(listed)
    ]


def _complaint(complaint: dict, _destination: list[str]) -> list[Incident]:
    kind = scalar(complaint.get("complaintFeedbackType")) or "abuse"
    return [
        feedback(f"Feedback-Type: {kind} SES complaint", r.get("emailAddress"))
        for r in records(complaint.get("complainedRecipients"))
    ]


def _delivery(delivery: dict, _destination: list[str]) -> list[Incident]:
    reply = scalar(delivery.get("smtpResponse")) or "250 SES delivery"
    return [delivered(reply, a, delivery.get("reportingMTA")) for a in addresses(delivery.get("recipients"))]


def _reject(reject: dict, destination: list[str]) -> list[Incident]:
    """SES refused the message itself (it found a virus): no recipient got it."""
    reason = scalar(reject.get("reason")) or ""
    return [failure(f"SES reject: {reason}".strip(), a, "failed") for a in destination]


def _rendering_failure(failed: dict, destination: list[str]) -> list[Incident]:
    """SES could not fill in the template, so it sent nothing to anyone."""
    words = text_of(failed.get("errorMessage"), failed.get("templateName"))
    return [failure(f"{words}\nSES rendering failure".strip(), a, "failed") for a in destination]


READERS: dict[str, tuple[Any, str]] = {
    "Bounce": (_bounce, "bounce"),
    "DeliveryDelay": (_delay, "deliveryDelay"),
    "Complaint": (_complaint, "complaint"),
    "Delivery": (_delivery, "delivery"),
    "Reject": (_reject, "reject"),
    "Rendering Failure": (_rendering_failure, "failure"),
}
