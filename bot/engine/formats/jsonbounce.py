"""JSON bounce notifications: Amazon SES (and SNS around it), SendGrid, Mailgun, Postmark."""

from __future__ import annotations

import json
import re
from typing import Any

from ..codes import enhanced_codes, reply_codes
from ..incident import Incident, incident_from_text
from ..text import without_surrogates

MAX_JSON_CHARS = 2_000_000
DIAGNOSTIC_KEYS = ("diagnostic", "reason", "message", "description", "details", "response", "error", "status")
# A JSON escape of half a surrogate pair (\ud800) decodes to a string no UTF-8 writer accepts.
SURROGATE_ESCAPE_RE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
NUMBER_RE = re.compile(r"^\s*\d+\s*$")
# Postmark bounce types: which say the failure is final and which that it may pass. Any other type
# (an address change, a virus notice, an SMTP API error) takes the permanence of the entry it matches.
POSTMARK_FAILED = frozenset({"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamNotification"})
POSTMARK_DELAYED = frozenset({"SoftBounce", "Transient", "DnsError"})


def parse(text: str) -> Any | None:
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
        inner = parse(obj["Message"])
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
    kind = obj.get("notificationType") or obj.get("eventType")
    out = []
    if kind == "Bounce" and isinstance(obj.get("bounce"), dict):
        bounce = obj["bounce"]
        words = f"{bounce.get('bounceType', '')} {bounce.get('bounceSubType', '')}".strip()
        for r in _records(bounce.get("bouncedRecipients")):
            text = f"{r.get('diagnosticCode') or ''}\nSES bounce: {words}".strip()
            action = "failed" if bounce.get("bounceType") == "Permanent" else "delayed"
            out.append(
                _make(
                    text,
                    r.get("emailAddress"),
                    action,
                    status=r.get("status"),
                    remote=bounce.get("remoteMtaIp"),
                )
            )
    elif kind == "DeliveryDelay" and isinstance(obj.get("deliveryDelay"), dict):
        delay = obj["deliveryDelay"]
        for r in _records(delay.get("delayedRecipients")):
            text = f"{r.get('diagnosticCode') or ''}\nSES delivery delay: {delay.get('delayType', '')}"
            out.append(
                _make(
                    text,
                    r.get("emailAddress"),
                    "delayed",
                    status=r.get("status"),
                    remote=delay.get("reportingMTA"),
                )
            )
    elif kind == "Complaint" and isinstance(obj.get("complaint"), dict):
        complaint = obj["complaint"]
        feedback = _scalar(complaint.get("complaintFeedbackType")) or "abuse"
        for r in _records(complaint.get("complainedRecipients")):
            # a complaint is about a message that was delivered: no failed action, no bounce
            out.append(_make(f"Feedback-Type: {feedback} SES complaint", r.get("emailAddress"), None))
    return out


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
    return [_make(text, obj.get("Email"), action)]


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
