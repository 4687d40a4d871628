"""RFC 3464 delivery-status fields, from a message/delivery-status part or pasted as text."""

from __future__ import annotations

import re

from ..address import find_mailboxes, mailbox
from ..codes import after_reply_code, enhanced_codes, first, reply_codes
from ..incident import Incident, reply_from_context
from ..model import ENHANCED_CODE
from ..own_result import own_result

FIELD_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]*(.*)$")
DSN_FIELD_NAMES = frozenset(
    {"final-recipient", "original-recipient", "action", "status", "diagnostic-code", "remote-mta"}
)
# Searched in "\n" + text: a pattern that begins with a plain character lets the regex engine
# jump from line break to line break, where `^` under re.M is tried at every position. A line
# that starts with no field's first letter is passed over on that letter, not tried field by
# field (under re.IGNORECASE each is tried in full).
DSN_HINT_RE = re.compile(
    r"\n(?=[adfors])(Final-Recipient|Original-Recipient|Diagnostic-Code|Status|Action|Remote-MTA):[ \t]*(.*)",
    re.I,
)
DSN_HINT_CHARS = 20000  # how far into a text fields are looked for
# Fields only a delivery status notification has; "Status:" and "Action:" also start chat lines.
RECORD_FIELDS = frozenset({"final-recipient", "original-recipient", "diagnostic-code", "remote-mta"})
# RFC 3464 section 2.3.3: the only values an Action field takes (a comment may follow).
ACTIONS = frozenset({"failed", "delayed", "delivered", "relayed", "expanded"})
ACTION_VALUE_RE = re.compile(r"^(?:failed|delayed|delivered|relayed|expanded)[ \t.;,]*(?:\(.*)?$", re.I)
STATUS_VALUE_RE = re.compile(rf"^{ENHANCED_CODE}\b")
# Records read from one text at most: a report listing thousands of recipients says the same
# thing many times, and each record costs a match.
MAX_RECORDS = 200
MAX_FIELD_CHARS = 4000


def looks_like_dsn(text: str) -> bool:
    """Two or more kinds of delivery-status field, one of them a field only a DSN has.

    `Action:` counts only with a value RFC 3464 allows and `Status:` only with a status code, so
    an incident update's `Status: investigating` / `Action: failed over` is not a DSN.
    """
    names: set[str] = set()
    for m in DSN_HINT_RE.finditer("\n" + text[:DSN_HINT_CHARS]):
        name, value = m.group(1).lower(), m.group(2)
        if name == "action" and not ACTION_VALUE_RE.match(value.strip()):
            continue
        if name == "status" and not STATUS_VALUE_RE.match(value):
            continue
        names.add(name)
    return len(names) >= 2 and bool(names & RECORD_FIELDS)


def action_of(value: str | None) -> str | None:
    """The Action field's value when it is one RFC 3464 allows, else None."""
    words = (value or "").split()
    word = words[0].lower().rstrip(".;,") if words else ""
    if word == "deliverable":
        return "delivered"  # written by some MTAs in delivery reports, before RFC 3464 settled the word
    return word if word in ACTIONS else None


def field_blocks(text: str) -> list[dict[str, str]]:
    """Groups of fields: a blank line or a second recipient field of the same kind starts a new
    group."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append(current)
            current, last = {}, None
            continue
        if last and line[0] in " \t":
            if len(current[last]) < MAX_FIELD_CHARS:  # a field folded over thousands of lines
                current[last] += " " + stripped
            continue
        m = FIELD_RE.match(stripped)
        if not m:
            last = None
            continue
        name, value = m.groups()
        name, value = name.lower(), value.strip()
        if name in ("final-recipient", "original-recipient") and name in current:
            # a recipient field seen again starts the next record; fields come in any order
            # (Final-Recipient before Original-Recipient, Action first, Status before both)
            blocks.append(current)
            current = {}
        current.setdefault(name, value)
        last = name
    if current:
        blocks.append(current)
    return blocks


def _split_type(value: str) -> tuple[str, str]:
    """'smtp; 550 ...' -> ('smtp', '550 ...'); ('', value) when the field names no type."""
    head, sep, rest = value.partition(";")
    head = head.strip()
    if sep and len(head) < 12 and " " not in head:
        return head.lower(), rest.strip()
    return "", value.strip()


def _strip_type(value: str) -> str:
    """'rfc822; a@b' -> 'a@b', 'smtp; 550 ...' -> '550 ...'."""
    return _split_type(value)[1]


def incidents_from_blocks(blocks: list[dict[str, str]], kind: str) -> list[Incident]:
    out = []
    message_fields: dict[str, str] = {}
    for block in blocks:
        if len(out) >= MAX_RECORDS:
            break
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
        # Final-Recipient names the mailbox that failed; when it holds no address (`LOCAL; jdoe`,
        # `rfc822; @host`), Original-Recipient may still name it as the sender wrote it
        recipient = _address(_strip_type(block.get("final-recipient", ""))) or _address(
            _strip_type(block.get("original-recipient", ""))
        )
        diagnostic_type, diagnostic = _split_type(block.get("diagnostic-code", ""))
        diagnostic = own_result(diagnostic, recipient)
        status = block.get("status", "").strip()
        diag_status = enhanced_codes(diagnostic)
        # the remote server's own code is more precise than the reporting MTA's summary, unless
        # it gives only the class ("550 5.0.0 User unknown" under Status: 5.1.1)
        enhanced = (after_reply_code(diagnostic, diag_status) or diag_status[0]).code if diag_status else None
        if enhanced is None or enhanced.endswith(".0.0"):
            status_hits = enhanced_codes(status)
            stated = status_hits[0].code if status_hits else None
            if enhanced is None or (stated and stated[0] == enhanced[0] and not stated.endswith(".0.0")):
                enhanced = stated
        # an X-Unix diagnostic quotes a local program's exit status (255), not an SMTP reply
        replies = reply_codes(diagnostic) if diagnostic_type != "x-unix" else []
        remote = _strip_type(block.get("remote-mta", message_fields.get("remote-mta", "")))
        out.append(
            Incident(
                text=_with_category(diagnostic or status, block),
                kind=kind,
                # a greeting or an accepted step before the refusal ("220-laposte 421 4.2.1")
                reply_code=(first(replies, strong_only=True) or replies[0]).code if replies else None,
                enhanced_code=enhanced,
                recipient=recipient,
                remote_mta=remote.strip("[]").lower() or None,
                action=action_of(block.get("action")),
                structured=True,
                strong_code=True,
                local_mailer=diagnostic_type == "x-unix",
            )
        )
    return out


def _with_category(text: str, block: dict[str, str]) -> str:
    """The record's diagnostic and, when the sending MTA filed this recipient under a category of
    its own (PowerMTA: `X-PowerMTA-BounceCategory: inactive-mailbox`), that line: the category
    is per recipient, and the entries for PowerMTA's categories read it."""
    category = block.get("x-powermta-bouncecategory", "").strip()
    return f"{text}\nX-PowerMTA-BounceCategory: {category}" if category else text


def _address(value: str) -> str | None:
    """The recipient field's address, when it holds a valid one."""
    return mailbox(value) or next((a for _, a in find_mailboxes(value, 1)), None)


def incidents(text: str) -> list[Incident]:
    return incidents_from_blocks(field_blocks(text), "dsn")


KIND = "dsn"
CONTEXT_CHARS = 4000


def parse(text: str, explicit: bool) -> list[Incident]:
    """Delivery-status fields pasted as text: one record per recipient, the paste as context."""
    found = incidents(text)
    for incident in found:
        incident.context = text[:CONTEXT_CHARS]
        if incident.reply_code is None:
            incident.reply_code = reply_from_context(incident)
    return found
