"""Queue listings: what `mailq` prints for Postfix (`postqueue -p`) and for Sendmail.

Each queued message is a line with its queue ID, size, arrival time and sender, then, when the
last attempt failed, the reason in parentheses (Postfix: `(connect to mx.example.org[192.0.2.40]:25:
Connection timed out)`; Sendmail: `(Deferred: Connection refused by mx.example.org.)`), then its
recipients, one indented address a line (https://www.postfix.org/mailq.1.html, showq's layout;
https://www.sendmail.org/~ca/email/man/mailq.html). A message with a reason is still queued, to
be tried again: its records are delayed deliveries, one per recipient listed under the reason. A
message without one (an active `*` or held `!` entry) reports nothing.
"""

from __future__ import annotations

import re

from ..address import mailbox
from ..incident import Incident, incident_from_text

KIND = "log"
# Postfix's and Sendmail's header lines; a cheap substring test first, then the line itself
HEADER_WORDS = ("-Queue ID-", "-Q-ID-")
HEADER = r"(?m)^\s*-+(?:Queue ID|Q-ID)-+\s+-+Size-+"
# queue ID (Postfix marks an active message `*`, a held one `!`), size, then the arrival time
ENTRY = r"^\s*[0-9A-Za-z]{5,24}[*!]?\s+\d{1,12}\s+(?:[A-Z][a-z]{2}\s)"
ADDRESS_LINE = r"^\s+<?([^\s<>@()]{1,64}@[^\s<>@()]{1,255})>?\s*$"
MAX_RECORDS = 400


def detect(text: str) -> bool:
    head = text[:4000]
    return any(word in head for word in HEADER_WORDS) and bool(re.search(HEADER, head))


def parse(text: str, explicit: bool) -> list[Incident]:
    out: list[Incident] = []
    reason: list[str] = []  # the current message's reason, line by line
    in_reason = False
    for line in text.split("\n"):
        if len(out) >= MAX_RECORDS:
            break
        stripped = line.strip()
        if re.match(ENTRY, line):
            reason, in_reason = [], False
        elif stripped.startswith("(") and not reason:
            reason, in_reason = [stripped[1:]], True
        elif in_reason:
            reason.append(stripped)
        else:
            listed = re.match(ADDRESS_LINE, line) if reason else None
            address = mailbox(listed.group(1)) if listed else None  # RFC 5321's syntax, as every reader
            if address:
                out.append(_record(" ".join(reason), address))
            continue
        if in_reason and reason[-1].endswith(")"):
            reason[-1] = reason[-1][:-1]
            in_reason = False
    return out


def _record(reason: str, recipient: str) -> Incident:
    incident = incident_from_text(
        reason.strip(), "log", True, recipient=recipient, action="delayed", structured=True
    )
    incident.strong_code = bool(incident.reply_code or incident.enhanced_code)
    return incident
