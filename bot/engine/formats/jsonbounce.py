"""JSON bounce notifications: Amazon SES (and SNS around it), SendGrid, Mailgun, Postmark."""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING

from ..codes import enhanced_codes, reply_codes
from ..incident import Incident, incident_from_text
from ..normalize import without_surrogates
from . import bounce_email

if TYPE_CHECKING:
    from typing import Any

MAX_JSON_CHARS = 2_000_000
DIAGNOSTIC_KEYS = ("diagnostic", "reason", "message", "description", "details", "response", "error", "status")
# A JSON escape of half a surrogate pair (\ud800) decodes to a string no UTF-8 writer accepts.
SURROGATE_ESCAPE_RE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
NUMBER_RE = re.compile(r"^\s*\d+\s*$")
# Postmark bounce types: which say the failure is final and which that it may pass. Any other type
# (an address change, a virus notice, an SMTP API error) takes the permanence of the entry it matches.
POSTMARK_FAILED = frozenset({"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamNotification"})
POSTMARK_DELAYED = frozenset({"SoftBounce", "Transient", "DnsError"})
# Postmark records a recipient's spam complaint as a bounce record of this type: a feedback report
POSTMARK_FEEDBACK = frozenset({"SpamComplaint"})
KIND = "json"


def detect(text: str) -> bool:
    """A JSON document, pasted or as the body of an email (SNS mails SES notifications so)."""
    return _document(text) is not None


def parse(text: str, explicit: bool) -> list[Incident]:
    return incidents(_document(text), explicit)


@functools.lru_cache(maxsize=2)
def _document(text: str) -> Any | None:
    stripped = text.lstrip()
    if stripped[:1] in "{[":
        return parse_json(stripped)
    if not bounce_email.looks_like_email(text):
        return None
    body = bounce_email.read(text).body.strip()
    if not body.startswith("{"):
        return None
    document = body[: body.rfind("}") + 1]
    obj = parse_json(document)
    if obj is None and "\n" in document:
        # Sendmail breaks a line longer than SMTP allows with "!", a line break and a space
        obj = parse_json(document.replace("!\n ", "").replace("\n", ""))
    # an email whose body happens to be JSON is a notification only when it reads as one
    return obj if obj is not None and incidents(obj, False) else None


def parse_json(text: str) -> Any | None:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[" or len(stripped) > MAX_JSON_CHARS:
        return None
    try:
        obj = json.loads(stripped)
        if SURROGATE_ESCAPE_RE.search(stripped):
            # a lone surrogate becomes U+FFFD (a pair of escapes decoded to one character already)
            obj = json.loads(without_surrogates(json.dumps(obj, ensure_ascii=False)))
        return obj
    except (ValueError, RecursionError):
        return None


def _records(value: Any) -> list[dict]:
    """A list of recipient records as a notification should hold it; one empty record otherwise."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        records = [r for r in value[:200] if isinstance(r, dict)]
        return records or [{}]
    return [{}]


def _scalar(value: Any) -> str | None:
    """A string or number field as text; lists, objects and booleans are not codes or addresses."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _unwrap(obj: Any) -> Any:
    """SNS wraps the SES notification as a JSON string in Message."""
    if isinstance(obj, dict) and isinstance(obj.get("Message"), str):
        inner = parse_json(obj["Message"])
        if inner is not None:
            return inner
    return obj


def _make(
    text: str, recipient: Any, action: str | None, reply: Any = None, status: Any = None, remote: Any = None
) -> Incident:
    recipient, reply, status, remote = map(_scalar, (recipient, reply, status, remote))
    incident = incident_from_text(
        text, "json", True, recipient=recipient or None, action=action, structured=True
    )
    if status and enhanced_codes(status):
        incident.enhanced_code = enhanced_codes(status)[0].code
    if reply and not incident.reply_code and reply_codes(reply):
        incident.reply_code = reply_codes(reply)[0].code
    if remote:
        incident.remote_mta = remote.lower()
    incident.strong_code = True
    return incident


def _ses(obj: dict) -> list[Incident]:
    """An SES notification (or event) by its type: Bounce, DeliveryDelay, Complaint, Delivery."""
    kind = _scalar(obj.get("notificationType") or obj.get("eventType"))
    reader, key = SES_READERS.get(kind or "", (None, ""))
    body = obj.get(key)
    return reader(body) if reader and isinstance(body, dict) else []


def _ses_bounce(bounce: dict) -> list[Incident]:
    words = f"{bounce.get('bounceType', '')} {bounce.get('bounceSubType', '')}".strip()
    action = "failed" if bounce.get("bounceType") == "Permanent" else "delayed"
    return [
        _make(
            f"{r.get('diagnosticCode') or ''}\nSES bounce: {words}".strip(),
            r.get("emailAddress"),
            action,
            status=r.get("status"),
            remote=bounce.get("remoteMtaIp"),
        )
        for r in _records(bounce.get("bouncedRecipients"))
    ]


def _ses_delay(delay: dict) -> list[Incident]:
    return [
        _make(
            f"{r.get('diagnosticCode') or ''}\nSES delivery delay: {delay.get('delayType', '')}",
            r.get("emailAddress"),
            "delayed",
            status=r.get("status"),
            remote=delay.get("reportingMTA"),
        )
        for r in _records(delay.get("delayedRecipients"))
    ]


def _ses_complaint(complaint: dict) -> list[Incident]:
    feedback = _scalar(complaint.get("complaintFeedbackType")) or "abuse"
    out = []
    for r in _records(complaint.get("complainedRecipients")):
        # a complaint is about a message that was delivered: no failed action, no bounce
        incident = _make(f"Feedback-Type: {feedback} SES complaint", r.get("emailAddress"), None)
        incident.report = "feedback"
        out.append(incident)
    return out


def _ses_delivery(delivery: dict) -> list[Incident]:
    reply = _scalar(delivery.get("smtpResponse")) or "250 SES delivery"
    out = []
    for address in _addresses(delivery.get("recipients")):
        incident = _make(reply, address, "delivered", remote=delivery.get("reportingMTA"))
        incident.report = "delivery"
        out.append(incident)
    return out


SES_READERS = {
    "Bounce": (_ses_bounce, "bounce"),
    "DeliveryDelay": (_ses_delay, "deliveryDelay"),
    "Complaint": (_ses_complaint, "complaint"),
    "Delivery": (_ses_delivery, "delivery"),
}


def _addresses(value: Any) -> list[str]:
    """SES lists a delivery's recipients as plain strings."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items[:200] if isinstance(item, str)] or [""]


def _sendgrid(events: list) -> list[Incident]:
    out = []
    for ev in events:
        if not isinstance(ev, dict) or ev.get("event") not in ("bounce", "dropped", "deferred", "blocked"):
            continue
        action = "delayed" if ev.get("event") == "deferred" else "failed"
        labels = " ".join(_scalar(ev.get(k)) or "" for k in ("event", "type", "bounce_classification"))
        text = f"{_scalar(ev.get('reason')) or _scalar(ev.get('response')) or ''}\nSendGrid {labels}"
        out.append(_make(text, ev.get("email"), action, reply=ev.get("status"), status=ev.get("status")))
    return out


def _mailgun(obj: dict) -> list[Incident]:
    data = obj.get("event-data", obj)
    if not isinstance(data, dict) or data.get("event") not in ("failed", "rejected", "bounced", "dropped"):
        return []
    status = _dict(data.get("delivery-status"))
    text = "\n".join(
        str(v)
        for v in (
            _scalar(status.get("message")),
            _scalar(status.get("description")),
            f"Mailgun {data.get('event')} {data.get('severity', '')} {data.get('reason', '')}",
        )
        if v
    )
    action = "delayed" if data.get("severity") == "temporary" else "failed"
    return [
        _make(
            text,
            data.get("recipient"),
            action,
            reply=status.get("code"),
            status=status.get("enhanced-code"),
            remote=status.get("mx-host"),
        )
    ]


def _postmark(obj: dict) -> list[Incident]:
    if obj.get("RecordType") != "Bounce" and "TypeCode" not in obj:
        return []
    kind = _scalar(obj.get("Type")) or ""
    # Details holds the server's reply; Description is Postmark's stock text for the type, worth
    # reading only when there is no reply
    words = _scalar(obj.get("Details")) or _scalar(obj.get("Description")) or ""
    text = f"{words}\nPostmark {kind}"
    action = "failed" if kind in POSTMARK_FAILED else "delayed" if kind in POSTMARK_DELAYED else None
    incident = _make(text, obj.get("Email"), action)
    if kind in POSTMARK_FEEDBACK:
        incident.report = "feedback"
    return [incident]


def _generic(obj: Any, depth: int = 0) -> list[str]:
    """Strings under diagnostic-looking keys anywhere in the document."""
    found: list[str] = []
    if depth > 8 or len(found) > 50:
        return found
    if isinstance(obj, dict):
        for key, value in list(obj.items())[:200]:
            name = str(key).lower()
            if isinstance(value, (str, int)) and any(k in name for k in DIAGNOSTIC_KEYS):
                # a bare number under "ErrorCode" or "status" is an API's or HTTP's code, not SMTP's,
                # unless the key says it is
                if isinstance(value, bool) or (NUMBER_RE.match(str(value)) and "smtp" not in name):
                    continue
                found.append(str(value))
            elif isinstance(value, (dict, list)):
                found.extend(_generic(value, depth + 1))
    elif isinstance(obj, list):
        for item in obj[:200]:
            found.extend(_generic(item, depth + 1))
    return found


def incidents(obj: Any, explicit: bool) -> list[Incident]:
    obj = _unwrap(obj)
    if isinstance(obj, list):
        found = _sendgrid(obj)
        if found:
            return found
        nested = [i for item in obj[:200] if isinstance(item, dict) for i in incidents(item, explicit)]
        if nested:
            return nested
    if isinstance(obj, dict):
        for reader in (_ses, _mailgun, _postmark):
            found = reader(obj)
            if found:
                return found
        found = _sendgrid([obj])
        if found:
            return found
    text = "\n".join(_generic(obj))
    return [incident_from_text(text, "json", explicit)] if text.strip() else []
