"""Postmark webhooks (`RecordType` Bounce, SpamComplaint, Delivery, Open, Click,
SubscriptionChange) and items of its bounce API (`Type` and `TypeCode` without a RecordType).

Bounce types and their codes: https://postmarkapp.com/developer/api/bounce-api (bounce types)
and https://postmarkapp.com/developer/webhooks/bounce-webhook. `Details` holds the receiving
server's reply; `Description` is Postmark's stock text for the type, read only when there is no
reply.
Read as "<Details>\nPostmark <Type>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ENGAGEMENT, delivered, failure, feedback, not_an_error, scalar

PROVIDER = "Postmark"
# Which bounce types say the failure is final and which that it may pass. Any other type (an
# address change, a virus notice, an SMTP API error) takes the permanence of the entry it matches.
FAILED = frozenset(
    {"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamNotification", "Blocked", "Unknown"}
)
# ChallengeVerification: the recipient's server holds the message until the sender answers a
# challenge, so it may still arrive
DELAYED = frozenset({"SoftBounce", "Transient", "DnsError", "ChallengeVerification"})
# TypeCode to Type, for bounce API items that give only the number
TYPES = {
    1: "HardBounce",
    2: "Transient",
    16: "Unsubscribe",
    32: "Subscribe",
    64: "AutoResponder",
    128: "AddressChange",
    256: "DnsError",
    512: "SpamNotification",
    1024: "OpenRelayTest",
    2048: "Unknown",
    4096: "SoftBounce",
    8192: "VirusNotification",
    16384: "ChallengeVerification",
    100000: "BadEmailAddress",
    100001: "SpamComplaint",
    100002: "ManuallyDeactivated",
    100003: "Unconfirmed",
    100006: "Blocked",
    100007: "SMTPApiError",
    100008: "InboundError",
    100009: "DMARCPolicy",
    100010: "TemplateRenderingFailed",
}
QUIET = frozenset({"Open", "Click", "SubscriptionChange"})


def read(obj: dict) -> list[Incident] | None:
    record = scalar(obj.get("RecordType"))
    if record in QUIET:
        return [not_an_error(PROVIDER, record, obj.get("Recipient") or obj.get("Email"), ENGAGEMENT)]
    if record == "Delivery":
        return [delivered(scalar(obj.get("Details")) or "250 Postmark delivery", obj.get("Recipient"))]
    if record not in ("Bounce", "SpamComplaint") and "TypeCode" not in obj:
        return None
    code = obj.get("TypeCode")
    kind = scalar(obj.get("Type")) or (TYPES.get(code, "") if isinstance(code, int) else "")
    words = scalar(obj.get("Details")) or scalar(obj.get("Description")) or ""
    text = f"{words}\nPostmark {kind}".strip()
    if kind == "SpamComplaint" or record == "SpamComplaint":
        return [feedback(text, obj.get("Email"))]
    action = "failed" if kind in FAILED else "delayed" if kind in DELAYED else None
    return [failure(text, obj.get("Email"), action)]
