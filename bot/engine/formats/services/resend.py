"""Resend webhooks: `{"type": "email.<event>", "created_at", "data": {...}}`.

Events and fields: https://resend.com/docs/webhooks/introduction and
https://resend.com/docs/webhooks/emails/bounced (email.sent, email.delivered,
email.delivery_delayed, email.bounced with `data.bounce` {type, subType, message},
email.complained, email.opened, email.clicked, email.failed). Resend sends through Amazon SES and
names bounces with SES's types and subtypes
(https://resend.com/docs/dashboard/emails/email-bounces), so the line it writes matches the SES
knowledge entries.
Read as "<bounce message>\nSES bounce: <type> <subType>\nResend email.bounced".
"""

from __future__ import annotations

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
    scalar,
)

PROVIDER = "Resend"
HINT = "resend.com"  # what knowledge/providers.toml recognises Resend by
QUIET = {"email.sent": ACCEPTED, "email.opened": ENGAGEMENT, "email.clicked": ENGAGEMENT}


def read(obj: dict) -> list[Incident] | None:
    kind, data = scalar(obj.get("type")), obj.get("data")
    if not kind or not kind.startswith("email.") or not isinstance(data, dict):
        return None
    recipients = addresses(data.get("to"))
    if kind in QUIET:
        return [not_an_error(PROVIDER, kind, a, QUIET[kind]) for a in recipients]
    if kind == "email.delivered":
        return [delivered("250 Resend email.delivered", a) for a in recipients]
    if kind == "email.complained":
        return [feedback("Feedback-Type: abuse Resend email.complained", a) for a in recipients]
    if kind == "email.bounced":
        bounce = as_dict(data.get("bounce"))
        words = f"{scalar(bounce.get('type')) or ''} {scalar(bounce.get('subType')) or ''}".strip()
        action = "failed" if bounce.get("type") == "Permanent" else "delayed"
        text = f"{scalar(bounce.get('message')) or ''}\nSES bounce: {words}\nResend email.bounced".strip()
        return [failure(text, a, action) for a in recipients]
    if kind == "email.delivery_delayed":
        return [failure("Resend email.delivery_delayed", a, "delayed") for a in recipients]
    if kind == "email.failed":
        reason = scalar(as_dict(data.get("failed")).get("reason")) or ""
        return [failure(f"{reason}\nResend email.failed".strip(), a, "failed") for a in recipients]
    return []
