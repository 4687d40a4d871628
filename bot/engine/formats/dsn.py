"""RFC 3464 delivery-status fields, from a message/delivery-status part or pasted as text."""

from __future__ import annotations

import re

from ..codes import enhanced_codes, reply_codes
from ..incident import Incident
from ..text import EMAIL_RE

FIELD_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]*(.*)$")
DSN_FIELD_NAMES = frozenset(
    {"final-recipient", "original-recipient", "action", "status", "diagnostic-code", "remote-mta"}
)
DSN_HINT_RE = re.compile(r"^(?:Final-Recipient|Diagnostic-Code|Status|Action|Remote-MTA):", re.I | re.M)


def looks_like_dsn(text: str) -> bool:
    return len(DSN_HINT_RE.findall(text, 0, 20000)) >= 2


def field_blocks(text: str) -> list[dict[str, str]]:
    """Groups of fields: a blank line or a second Final-Recipient starts a new group."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last: str | None = None
    for line in text.split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, None
            continue
        if line[:1] in " \t" and last:
            current[last] += " " + line.strip()
            continue
        m = FIELD_RE.match(line.strip())
        if not m:
            last = None
            continue
        name, value = m.group(1).lower(), m.group(2).strip()
        if name in ("final-recipient", "original-recipient") and (
            "final-recipient" in current or ("action" in current and name == "original-recipient")
        ):
            blocks.append(current)
            current = {}
        current.setdefault(name, value)
        last = name
    if current:
        blocks.append(current)
    return blocks


def _strip_type(value: str) -> str:
    """'rfc822; a@b' -> 'a@b', 'smtp; 550 ...' -> '550 ...'."""
    head, sep, rest = value.partition(";")
    return rest.strip() if sep and len(head) < 12 and " " not in head.strip() else value.strip()


def incidents_from_blocks(blocks: list[dict[str, str]], kind: str) -> list[Incident]:
    out = []
    message_fields: dict[str, str] = {}
    for block in blocks:
        if not (DSN_FIELD_NAMES & set(block)) - {"remote-mta"}:
            message_fields.update(block)
            continue
        if (
            "final-recipient" not in block
            and "original-recipient" not in block
            and "status" not in block
            and "diagnostic-code" not in block
        ):
            message_fields.update(block)
            continue
        recipient = _strip_type(block.get("final-recipient") or block.get("original-recipient") or "")
        m = EMAIL_RE.search(recipient)
        diagnostic = _strip_type(block.get("diagnostic-code", ""))
        status = block.get("status", "").strip()
        status_hits = enhanced_codes(status)
        diag_status = enhanced_codes(diagnostic)
        enhanced = status_hits[0].code if status_hits else None
        if diag_status and (
            enhanced is None or enhanced.endswith(".0.0") or enhanced[0] != diag_status[0].code[0]
        ):
            enhanced = diag_status[0].code
        replies = reply_codes(diagnostic)
        remote = _strip_type(block.get("remote-mta", message_fields.get("remote-mta", "")))
        out.append(
            Incident(
                text=diagnostic or status,
                kind=kind,
                reply_code=replies[0].code if replies else None,
                enhanced_code=enhanced,
                recipient=m.group(0) if m else (recipient or None),
                remote_mta=remote.strip("[]").lower() or None,
                action=block.get("action", "").split()[0].lower() if block.get("action") else None,
                structured=True,
                strong_code=True,
            )
        )
    return out


def incidents(text: str) -> list[Incident]:
    return incidents_from_blocks(field_blocks(text), "dsn")
