"""An incident: one failure as the input describes it, before the knowledge base explains it."""

from __future__ import annotations

import re

from .codes import REPLY_OF_CLASS_RE, enhanced_codes, first, is_strong_reply, reply_codes
from .pattern_literals import GuardedPattern
from .text import EMAIL_RE


class Incident:
    """One failure as the input states it: its words, codes, recipient and where it came from.

    The engine fills in `recipient`, `remote_mta`, `context` and `reply_code` as it learns more,
    so it is mutable.
    """

    __slots__ = (
        "action",
        "context",
        "enhanced_code",
        "kind",
        "local_mailer",
        "recipient",
        "remote_mta",
        "reply_code",
        "strong_code",
        "structured",
        "text",
    )

    def __init__(
        self,
        text: str,  # the server's diagnostic, or the paragraph that carries it
        kind: str,  # where it came from: text, smtp, log, dsn, email, json
        reply_code: str | None = None,
        enhanced_code: str | None = None,
        recipient: str | None = None,
        remote_mta: str | None = None,
        action: str | None = None,  # failed, delayed, delivered, relayed, expanded
        context: str = "",  # nearby text to consult when `text` alone matches nothing
        structured: bool = False,  # came from a bounce format: a mail failure by construction
        strong_code: bool = False,  # a code used the way SMTP uses it
        local_mailer: bool = False,  # a local delivery program failed (Diagnostic-Code: X-Unix)
    ) -> None:
        self.text = text
        self.kind = kind
        self.reply_code = reply_code
        self.enhanced_code = enhanced_code
        self.recipient = recipient
        self.remote_mta = remote_mta
        self.action = action
        self.context = context
        self.structured = structured
        self.strong_code = strong_code
        self.local_mailer = local_mailer

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Incident({fields})"


RECIPIENT_RES = (
    GuardedPattern(r"RCPT TO:?\s*<([^<>\s]+@[^<>\s]+)>", re.I),
    GuardedPattern(r"(?:Final|Original)-Recipient:\s*(?:rfc822;)?\s*<?([^<>\s;]+@[^<>\s;]+)", re.I),
    GuardedPattern(r"\bto=<([^<>\s]+@[^<>\s]+)>", re.I),
    GuardedPattern(r"^[ \t]*<([^<>\s]+@[^<>\s]+)>[:.]*", re.M),
    GuardedPattern(r"^[ \t]*([^<>\s]+@[^<>\s]+?)[:.]*[ \t]*$", re.M),
)
REMOTE_MTA_RES = (
    GuardedPattern(r"Remote-MTA:\s*(?:dns;)?\s*\[?([\w.-]+)", re.I),
    GuardedPattern(r"\bhost\s+([\w-]+(?:\.[\w-]+)+)\.?\s*\[[\d.:a-f]+\]", re.I),
    GuardedPattern(r"\brelay=([\w-]+(?:\.[\w-]+)+)", re.I),
    GuardedPattern(r"\bH=([\w-]+(?:\.[\w-]+)+)", re.I),
    GuardedPattern(r"while talking to\s+([\w-]+(?:\.[\w-]+)+)", re.I),
    GuardedPattern(r"\b(?:remote (?:server|host)|mail server)\s+\[?([a-z][\w-]*(?:\.[\w-]+)+)", re.I),
)


def find_recipient(text: str) -> str | None:
    if "@" not in text:
        return None  # every way of naming a recipient has one
    lowered = text.lower()
    for pattern in RECIPIENT_RES:
        m = pattern.search(text, lowered)
        if m:
            return m.group(1).strip(".:;,'\"")
    m = EMAIL_RE.search(text)
    return m.group(0) if m else None


def find_remote_mta(text: str) -> str | None:
    lowered = text.lower()
    for pattern in REMOTE_MTA_RES:
        m = pattern.search(text, lowered)
        if m:
            host = m.group(1).strip(".")
            if "." in host and not host.replace(".", "").isdigit():
                return host.lower()
    return None


def incident_from_text(text: str, kind: str, explicit: bool, **fields) -> Incident:
    """Read codes, recipient and remote MTA out of a piece of free text."""
    replies = reply_codes(text)
    enhanced = enhanced_codes(text)
    reply = first(replies, strong_only=True) or (first(replies) if explicit else None)
    status = first(enhanced, strong_only=True) or (first(enhanced) if explicit else None)
    if status and status.code.endswith(".0.0"):
        # prefer a specific status to a class-only one
        specific = next(
            (h for h in enhanced if not h.code.endswith(".0.0") and h.strong and h.code[0] == status.code[0]),
            None,
        )
        status = specific or status
    incident = Incident(
        text=text,
        kind=kind,
        reply_code=reply.code if reply else None,
        enhanced_code=status.code if status else None,
        strong_code=bool((reply and reply.strong) or (status and status.strong)),
        **fields,
    )
    return incident


def complete(incident: Incident) -> Incident:
    """Fill in recipient and remote MTA from the text; done only for incidents that matched."""
    if incident.recipient is None:
        incident.recipient = find_recipient(incident.text)
    if incident.remote_mta is None:
        incident.remote_mta = find_remote_mta(incident.text)
    return incident


def reply_from_context(incident: Incident) -> str | None:
    """The reply code the body quotes for this recipient, when the DSN fields left it out.

    Only a code used the SMTP way and of the same class as the record's status counts, so a
    transcript's `<<< 421` fills in a delayed record but a stray `250 OK` does not.
    """
    wanted = (incident.enhanced_code or "")[:1] or {"failed": "5", "delayed": "4"}.get(incident.action or "")
    if wanted not in REPLY_OF_CLASS_RE:
        return None
    # codes of the wrong class are common in a notice (a 250 in a transcript): skip them unread
    context = incident.context
    for m in REPLY_OF_CLASS_RE[wanted].finditer(context):
        if is_strong_reply(context, m):
            return m.group(1)
    return None
