"""Whole bounce emails: multipart/report with delivery-status, or a plain-text bounce body."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message

from ..incident import Incident
from ..text import decode_bytes, fold
from . import dsn, freetext

HEADER_RE = re.compile(
    r"^(?:From|To|Subject|Date|Received|Return-Path|Message-I[Dd]|MIME-Version|Content-Type"
    r"|Delivered-To|Reply-To|Auto-Submitted|DKIM-Signature|Authentication-Results|X-[\w-]+"
    r"|ARC-[\w-]+|Sender|Envelope-To|Content-Transfer-Encoding|References|In-Reply-To)"
    r":",
    re.I,
)
# Where a bounce body starts quoting the original message; what follows is not the diagnosis.
ORIGINAL_MESSAGE_RE = re.compile(
    r"^[ \t]*(?:-{2,}|={2,}|\*{2,})?[ \t]*(?:[\w ]*original message|[\w ]*copy of (?:the|your)"
    r" message|[\w ]*returned message|below this line is a copy|undelivered message|"
    r"[\w ]*message headers? follows?|the (?:original|returned) message (?:was|is|follows))"
    r"|^[ \t]*content-type:\s*message/rfc822",
    re.I | re.M,
)
MAX_PARTS = 40
MAX_PART_CHARS = 64_000
TAG_RE = re.compile(r"<[^>]{0,2000}>")


def looks_like_email(text: str) -> bool:
    head = text.lstrip()[:6000].split("\n\n", 1)[0].split("\n")[:60]
    headers = sum(1 for line in head if HEADER_RE.match(line))
    return headers >= 2 and (headers >= 4 or bool(HEADER_RE.match(head[0])))


def _payload_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding still leaves the raw text to read
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload[:MAX_PART_CHARS].decode(charset, errors="replace")
    except LookupError:
        return decode_bytes(payload[:MAX_PART_CHARS])


def body_before_original(text: str) -> str:
    m = ORIGINAL_MESSAGE_RE.search(text)
    return text[: m.start()] if m and m.start() > 40 else text


def _status_text(part: Message) -> str:
    """The body of a message/delivery-status part as field text, however the parser held it."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = []
        for sub in payload:
            if isinstance(sub, Message):
                blocks.append("\n".join(f"{k}: {v}" for k, v in sub.items()))
        return "\n\n".join(blocks)
    return _payload_text(part)


def incidents(text: str, explicit: bool) -> tuple[list[Incident], str]:
    """Incidents, best source first, and the bounce's own headers (for provider hints)."""
    msg = email.message_from_string(text, policy=email.policy.compat32)
    header_text = " ".join(
        f"{k}: {v}"
        for k, v in list(msg.items())[:60]
        if k.lower() in ("from", "subject", "received", "x-mailer", "x-failed-recipients")
    )
    dsn_incidents: list[Incident] = []
    texts: list[str] = []
    parts = 0
    stack: list[Message] = [msg]
    while stack and parts < MAX_PARTS:
        part = stack.pop(0)
        parts += 1
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            continue  # the original message: its words are not the server's diagnosis
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            dsn_incidents.extend(dsn.incidents_from_blocks(dsn.field_blocks(_status_text(part)), "email"))
            continue
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack[0:0] = [p for p in payload if isinstance(p, Message)]
            continue
        if ctype.startswith("text/"):
            body = _payload_text(part)
            if ctype == "text/html":
                body = TAG_RE.sub(" ", body)
            texts.append(body_before_original(body))
    body = "\n\n".join(texts)
    if not dsn_incidents and dsn.looks_like_dsn(body):
        dsn_incidents = [i for i in dsn.incidents(body) if i.recipient or i.text]
    text_incidents = freetext.incidents(body, explicit, kind="email", structured=True)
    for incident in dsn_incidents:
        incident.kind = "email"
        incident.context = _context_for(incident, text_incidents)
    return dsn_incidents + text_incidents, header_text


def _context_for(incident: Incident, text_incidents: list[Incident]) -> str:
    """The body paragraphs that speak of this recipient, for a DSN whose diagnostic is thin."""
    if not incident.recipient:
        return ""
    needle = incident.recipient.lower()
    return "\n".join(t.text for t in text_incidents if needle in fold(t.text))[:4000]
