"""JSON bounce notifications: Amazon SES (and SNS around it), SendGrid, Mailgun, Postmark."""

from __future__ import annotations

import json
from typing import Any

from ..codes import enhanced_codes, reply_codes
from ..incident import Incident, incident_from_text

MAX_JSON_CHARS = 2_000_000
DIAGNOSTIC_KEYS = ("diagnostic", "reason", "message", "description", "details", "response", "error", "status")


def parse(text: str) -> Any | None:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[" or len(stripped) > MAX_JSON_CHARS:
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


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
    incident = incident_from_text(
        text, "json", True, recipient=str(recipient) if recipient else None, action=action, structured=True
    )
    if status and enhanced_codes(str(status)):
        incident.enhanced_code = enhanced_codes(str(status))[0].code
    if reply and not incident.reply_code and reply_codes(str(reply)):
        incident.reply_code = reply_codes(str(reply))[0].code
    if remote:
        incident.remote_mta = str(remote).lower()
    incident.strong_code = True
    return incident


def _ses(obj: dict) -> list[Incident]:
    kind = obj.get("notificationType") or obj.get("eventType")
    out = []
    if kind == "Bounce" and isinstance(obj.get("bounce"), dict):
        bounce = obj["bounce"]
        words = f"{bounce.get('bounceType', '')} {bounce.get('bounceSubType', '')}".strip()
        for r in bounce.get("bouncedRecipients") or [{}]:
            if not isinstance(r, dict):
                continue
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
        for r in delay.get("delayedRecipients") or [{}]:
            if isinstance(r, dict):
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
        for r in complaint.get("complainedRecipients") or [{}]:
            if isinstance(r, dict):
                text = f"Feedback-Type: {complaint.get('complaintFeedbackType') or 'abuse'} SES complaint"
                out.append(_make(text, r.get("emailAddress"), "failed"))
    return out


def _sendgrid(events: list) -> list[Incident]:
    out = []
    for ev in events:
        if not isinstance(ev, dict) or ev.get("event") not in ("bounce", "dropped", "deferred", "blocked"):
            continue
        action = "delayed" if ev.get("event") == "deferred" else "failed"
        labels = " ".join(str(ev.get(k) or "") for k in ("event", "type", "bounce_classification"))
        text = f"{ev.get('reason') or ev.get('response') or ''}\nSendGrid {labels}"
        out.append(_make(text, ev.get("email"), action, reply=ev.get("status"), status=ev.get("status")))
    return out


def _mailgun(obj: dict) -> list[Incident]:
    data = obj.get("event-data", obj)
    if not isinstance(data, dict) or data.get("event") not in ("failed", "rejected", "bounced", "dropped"):
        return []
    status = data.get("delivery-status") or {}
    if not isinstance(status, dict):
        status = {}
    text = "\n".join(
        str(v)
        for v in (
            status.get("message"),
            status.get("description"),
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
    text = f"{obj.get('Details') or ''}\n{obj.get('Description') or ''}\nPostmark {obj.get('Type') or ''}"
    action = (
        "failed"
        if obj.get("Type") in ("HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamNotification")
        else "delayed"
    )
    return [_make(text, obj.get("Email"), action)]


def _generic(obj: Any, depth: int = 0) -> list[str]:
    """Strings under diagnostic-looking keys anywhere in the document."""
    found: list[str] = []
    if depth > 8 or len(found) > 50:
        return found
    if isinstance(obj, dict):
        for key, value in list(obj.items())[:200]:
            if isinstance(value, (str, int)) and any(k in str(key).lower() for k in DIAGNOSTIC_KEYS):
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
