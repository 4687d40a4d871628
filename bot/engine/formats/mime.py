"""Whole bounce emails: multipart/report with delivery-status, or a plain-text bounce body."""

from __future__ import annotations

import re

from ..incident import Incident, reply_from_context
from ..text import fold
from . import dsn, freetext, mimeparts

# A header field name at the start of a line, searched in "\n" + text (see mimeparts._fields_re)
# after lower-casing it: under re.IGNORECASE the regex engine tries each alternative in full at
# every line, where plain letters let it pass over those that start with another one. `match`
# tests the first line only.
HEADER_LINE_RE = re.compile(
    r"\n(?:from|to|subject|date|received|return-path|message-id|mime-version|content-type"
    r"|delivered-to|reply-to|auto-submitted|dkim-signature|authentication-results|x-[\w-]+"
    r"|arc-[\w-]+|sender|envelope-to|content-transfer-encoding|references|in-reply-to)"
    r":"
)
# Words on a separator line where a bounce body starts quoting the original message.
ORIGINAL_MARKERS = (
    "original message",
    "copy of the message",
    "copy of your message",
    "returned message",
    "below this line is a copy",
    "undelivered message",
    "headers of the original",
    "original message headers",
    "message headers follow",
    "unsent message below",
    "content-type: message/rfc822",
)
SEPARATOR_LINE_RE = re.compile(r"^[ \t]*[-=*_#<>]{0,40}[ \t]*[\w ,:/()'.-]{0,80}[-=*_#<>]*[ \t]*$")
SEPARATOR_EDGE_RE = re.compile(r"^[-=*_#<>]{2,}|[-=*_#<>]{2,}$")
SKIP_TYPES = frozenset({"message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global"})
STATUS_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
HINT_HEADERS = ("from", "subject", "x-mailer", "x-failed-recipients", "received")
TAG_RE = re.compile(r"<[^>]{0,2000}>")
MAX_PART_CHARS = 64_000


def looks_like_email(text: str) -> bool:
    # the header block (up to a blank line) in the first 6,000 characters, at most 60 lines
    stripped = text.lstrip()
    end = stripped.find("\n\n", 0, 6000)
    block = stripped[: end if end >= 0 else 6000]
    if block.count("\n") >= 60:
        block = "\n".join(block.split("\n", 60)[:60])
    head = "\n" + block.lower()
    headers = len(HEADER_LINE_RE.findall(head))
    return headers >= 2 and (headers >= 4 or bool(HEADER_LINE_RE.match(head)))


def body_before_original(text: str) -> str:
    """Cut a bounce body where it starts quoting the message that bounced."""
    lowered = text.lower()
    cut = len(text)
    for marker in ORIGINAL_MARKERS:
        pos = lowered.find(marker, 40)
        while 0 <= pos < cut:
            start = lowered.rfind("\n", 0, pos) + 1
            end = lowered.find("\n", pos)
            line = text[start : end if end >= 0 else len(text)]
            if _is_separator(line, marker):
                cut = start
                break
            pos = lowered.find(marker, pos + 1)
    return text[:cut]


def _is_separator(line: str, marker: str) -> bool:
    """A line that introduces the quoted original: dashes or the like around it, a closing colon,
    or the marker alone. A sentence that merely mentions "the attached returned message" is not."""
    stripped = line.strip()
    if len(line) >= 100 or not SEPARATOR_LINE_RE.match(line):
        return False
    return bool(
        SEPARATOR_EDGE_RE.search(stripped)
        or stripped.endswith(":")
        or stripped.lower().strip(" .:") == marker
        or stripped.lower().startswith("content-type:")
    )


def incidents(text: str, explicit: bool) -> tuple[list[Incident], str]:
    """Incidents, best source first, and the bounce's own headers (for provider hints)."""
    root = mimeparts.parse(text, HINT_HEADERS)
    header_text = " ".join(f"{k}: {root.headers[k]}" for k in HINT_HEADERS if k in root.headers)
    status_texts: list[str] = []
    bodies: list[str] = []
    stack = [root]
    while stack:
        part = stack.pop()
        ctype = part.content_type
        if ctype in SKIP_TYPES:
            continue  # the original message: its words are not the server's diagnosis
        if ctype in STATUS_TYPES:
            status_texts.append(part.text())
        elif part.parts:
            stack.extend(reversed(part.parts))
        elif ctype.startswith("text/") or not part.headers.get("content-type"):
            body = part.text()[:MAX_PART_CHARS]
            if ctype == "text/html":
                body = TAG_RE.sub(" ", body)
            bodies.append(body_before_original(body))
    body = "\n\n".join(bodies)
    dsn_incidents: list[Incident] = []
    for status_text in status_texts:
        dsn_incidents.extend(dsn.incidents_from_blocks(dsn.field_blocks(status_text), "email"))
    if not dsn_incidents and dsn.looks_like_dsn(body):
        dsn_incidents = [i for i in dsn.incidents(body) if i.recipient or i.text]
    if not dsn_incidents:
        return freetext.incidents(body, explicit, kind="email", structured=True), header_text
    # With delivery-status records the body is only context: its paragraphs, not their codes.
    # lower case is enough to find an address in them (see _context_for)
    paragraphs = [(unit, unit.lower()) for unit in freetext.units(freetext.join_multiline_replies(body))]
    for incident in dsn_incidents:
        incident.kind = "email"
        incident.context = _context_for(incident, paragraphs)
        quoted = reply_from_context(incident) if incident.context else None
        if len(dsn_incidents) == 1 and quoted is None:
            # one record: the whole notice is about it, however it spells the address
            incident.context = body[:4000]
            quoted = reply_from_context(incident)
        if incident.reply_code is None:
            incident.reply_code = quoted
    return dsn_incidents, header_text


def _context_for(incident: Incident, paragraphs: list[tuple[str, str]]) -> str:
    """The body paragraphs that speak of this recipient, for a DSN whose diagnostic is thin."""
    if not incident.recipient:
        return ""
    needle = fold(incident.recipient)
    if " " in needle:  # rare: a recipient field that is not a bare address
        return "\n".join(text for text, _ in paragraphs if needle in fold(text))[:4000]
    # without white space in the needle, folding the paragraph's white space changes nothing
    return "\n".join(text for text, lowered in paragraphs if needle in lowered)[:4000]
