"""RFC 5965 feedback reports (ARF): a complaint, an opt-out or an authentication-failure report.

The structure decides, whatever the prose says: a multipart/report of report-type
feedback-report, or a message/feedback-report part, whose fields name the Feedback-Type (abuse,
fraud, virus, auth-failure, not-spam, opt-out, other; RFC 5965 section 7.3 and RFC 6591). The
recipients are the ones who complained: the Original-Rcpt-To fields (or an opt-out's
Removal-Recipient), else the reported message's X-HmXmrOriginalRecipient (Microsoft's JMRP
reports) or To:, which the report attaches on purpose.
"""

from __future__ import annotations

from ..address import find_mailboxes
from ..incident import Incident
from . import bounce_email, dsn, mime_reader

KIND = "email"
RECIPIENT_FIELDS = ("original-rcpt-to", "removal-recipient")
MAX_RECIPIENTS = 50
ORIGINAL_RECIPIENT_FIELDS = ("x-hmxmroriginalrecipient", "to")


def detect(text: str) -> bool:
    message = bounce_email.read_email(text)
    return message is not None and (message.report_type == "feedback-report" or bool(message.feedback_texts))


def parse(text: str, explicit: bool) -> list[Incident]:
    message = bounce_email.read(text)
    fields = _fields("\n\n".join(message.feedback_texts))
    feedback_type = fields.get("feedback-type", ["abuse"])[0].split()[0].lower() if fields else "abuse"
    recipients = [
        a for name in RECIPIENT_FIELDS for v in fields.get(name, []) for _, a in find_mailboxes(v, 5)
    ]
    if not recipients:
        recipients = [a for _, a in find_mailboxes(_original_to(message.original), 5)]
    words = f"Feedback-Type: {feedback_type}\n{message.body[:2000]}"
    return [
        Incident(text=words, kind="email", recipient=r, structured=True, report="feedback")
        for r in dict.fromkeys(recipients[:MAX_RECIPIENTS]) or [None]
    ]


def _fields(text: str) -> dict[str, list[str]]:
    """Every field of the report, each name with all its values (Original-Rcpt-To repeats)."""
    out: dict[str, list[str]] = {}
    for line in text.split("\n"):
        m = dsn.FIELD_RE.match(line.strip())
        if m:
            out.setdefault(m.group(1).lower(), []).append(m.group(2).strip())
    return out


def _original_to(original: str) -> str:
    """Who received the reported message: the X-HmXmrOriginalRecipient field Microsoft's
    complaint reports (JMRP) add to it, else its To: field."""
    headers = mime_reader.split_headers(original.lstrip("\n"), ORIGINAL_RECIPIENT_FIELDS)[0]
    return next((headers[f] for f in ORIGINAL_RECIPIENT_FIELDS if headers.get(f)), "")
