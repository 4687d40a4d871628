"""The pieces every sending service's reader uses: field access that never trusts a JSON value's
type, and the one Incident each event becomes.

A service's event carries its own diagnostic (the receiving server's reply), its own enhanced
status, the recipient, and the service's own words for what happened. A reader writes the
diagnostic first and then one line of the service's labels (`Mailgun failed permanent bounce`,
`SparkPost bounce class 10`), so that knowledge entries can match the service's classification
where the reply itself says nothing known.
"""

from __future__ import annotations

from typing import Any

from ...address import mailbox
from ...codes import enhanced_codes, reply_codes
from ...incident import Incident, incident_from_text

MAX_ITEMS = 200
# What a not-an-error event says, in words the services.event-* knowledge entries know.
ACCEPTED = "message accepted by the sending service, not yet delivered"
ENGAGEMENT = "recipient opened, clicked or changed subscriptions: delivered"
AUTO_REPLIED = "the recipient's server sent an automatic reply: delivered"


def scalar(value: Any) -> str | None:
    """A string or number field as text; lists, objects and booleans are not codes or addresses."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)


def text_of(*values: Any) -> str:
    """The non-empty scalar values, one a line, each once."""
    lines: list[str] = []
    for value in values:
        line = (scalar(value) or "").strip()
        if line and line not in lines:
            lines.append(line)
    return "\n".join(lines)


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def records(value: Any) -> list[dict]:
    """A list of recipient records as a notification should hold it; one empty record otherwise."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [r for r in value[:MAX_ITEMS] if isinstance(r, dict)] or [{}]
    return [{}]


def addresses(value: Any) -> list[str]:
    """Recipients listed as plain strings (or one string); one empty string when there are none."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items[:MAX_ITEMS] if isinstance(item, str)] or [""]


def recipient_of(value: Any) -> str | None:
    """The field's address when it is a mailbox by RFC 5321's syntax, never a JSON fragment."""
    return mailbox(scalar(value))


def failure(
    text: str,
    recipient: Any,
    action: str | None,
    reply: Any = None,
    status: Any = None,
    remote: Any = None,
) -> Incident:
    """One failed or delayed recipient: the record's own codes beat any the text happens to quote."""
    reply, status, remote = scalar(reply), scalar(status), scalar(remote)
    incident = incident_from_text(
        text, "json", True, recipient=recipient_of(recipient), action=action, structured=True
    )
    if status and enhanced_codes(status):
        incident.enhanced_code = enhanced_codes(status)[0].code
    if reply and not incident.reply_code and reply_codes(reply):
        incident.reply_code = reply_codes(reply)[0].code
    if remote:
        incident.remote_mta = remote.lower()
    incident.strong_code = True
    return incident


def feedback(text: str, recipient: Any) -> Incident:
    """A recipient's spam complaint: a report about a message that was delivered, not a bounce."""
    incident = failure(text, recipient, None)
    incident.report = "feedback"
    return incident


def delivered(text: str, recipient: Any, remote: Any = None) -> Incident:
    """A delivery the service reports: not an error, and never spoken of in an alert channel."""
    incident = failure(text, recipient, "delivered", remote=remote)
    incident.report = "delivery"
    return incident


def not_an_error(provider: str, event: str, recipient: Any, what: str) -> Incident:
    """An event that reports no failure (accepted, opened, clicked): answered as no error at all."""
    incident = delivered(f"{provider} {event}: {what}", recipient)
    incident.action = "relayed" if what == ACCEPTED else "delivered"
    return incident


def is_quiet(incident: Incident) -> bool:
    """Whether the record is one of not_an_error's: an accepted, opened or clicked event."""
    return incident.report == "delivery" and incident.text.endswith((ACCEPTED, ENGAGEMENT, AUTO_REPLIED))
