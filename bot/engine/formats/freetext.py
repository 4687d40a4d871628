"""Free text: pasted SMTP replies, bounce bodies, questions. The last format tried."""

from __future__ import annotations

import re

from ..address import find_mailboxes, in_failure_context, is_reporting_address
from ..incident import Incident, incident_from_text
from ..model import ENHANCED_CODE

MULTILINE_START_RE = re.compile(rf"^[ \t>]*([245]\d\d)-(?:({ENHANCED_CODE})[ \t]+)?(.*)$")
# searched in "\n" + text, for speed (see mime_reader._fields_re)
ANY_MULTILINE_START_RE = re.compile(r"\n[ \t>]*[245]\d\d-")
PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")
MAX_PARAGRAPH_LINES = 40
MAX_PARAGRAPH_CHARS = 4000
MAX_UNITS = 400


CONTINUATION_RE = re.compile(rf"^[ \t>]*([245]\d\d)([ \t-])(?:({ENHANCED_CODE})[ \t]+)?(.*)$")


def join_multiline_replies(text: str) -> str:
    """`550-5.7.26 a` / `550-5.7.26 b` / `550 5.7.26 c` becomes one line `550 5.7.26 a b c`.

    RFC 5321 §4.2.1: every line of a multi-line reply carries the reply code, with "-" after it
    on all but the last; the reply is the lines together. An enhanced code may stand on a later
    line only (Exim's `550-Unrouteable address` / `550 5.1.1 <a@b>`): it is the whole reply's."""
    if "-" not in text or not ANY_MULTILINE_START_RE.search("\n" + text):
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = MULTILINE_START_RE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        code, status, rest = m.groups()
        parts = [rest.strip()]
        start = i
        i += 1
        while i < len(lines):
            c = CONTINUATION_RE.match(lines[i])
            if not c or c.group(1) != code or (c.group(3) and status and c.group(3) != status):
                break
            status = status or c.group(3)
            parts.append(c.group(4).strip())
            i += 1
            if c.group(2) != "-":
                break
        if len(parts) == 1:
            # no continuation line follows: a flattened reply wrapped by a bounce body, whose
            # inline prefixes Incident takes out; the line stays as it was
            out.append(lines[start])
            continue
        out.append(" ".join(filter(None, [code, status, *parts])))
    return "\n".join(out)


def units(text: str) -> list[str]:
    """Paragraphs; a paragraph too long to be one message is split into lines and their continuations."""
    result: list[str] = []
    for paragraph in PARAGRAPH_BREAK_RE.split(text):
        if not paragraph.strip():
            continue
        # most paragraphs are one unit: their lines are counted, not split apart
        if len(paragraph) <= MAX_PARAGRAPH_CHARS and paragraph.count("\n") < MAX_PARAGRAPH_LINES:
            result.append(paragraph.strip("\n"))
            continue
        current: list[str] = []
        for line in paragraph.split("\n"):
            if current and not line[:1].isspace():
                result.append("\n".join(current))
                current = []
            current.append(line[:MAX_PARAGRAPH_CHARS])
        if current:
            result.append("\n".join(current))
        if len(result) >= MAX_UNITS:
            break
    return result[:MAX_UNITS]


def incidents(text: str, explicit: bool, kind: str = "text", structured: bool = False) -> list[Incident]:
    joined = join_multiline_replies(text)
    pieces = units(joined)
    found = [incident_from_text(unit, kind, explicit, structured=structured) for unit in pieces]
    if len(found) > 1:
        _name_the_one_recipient(found, pieces, text)
    return found


def _name_the_one_recipient(found: list[Incident], pieces: list[str], text: str) -> None:
    """The paste's one recipient for the paragraphs that name nobody: a mail client's notice
    names the address in its opening ("Your message wasn't delivered to a@b because ...") and
    quotes the server's reply in a paragraph of its own. Only when the paste names one address
    alone, as the one a failure is about; with any other, whose reply is whose is unknown."""
    if "@" not in text:
        return
    named = [(start, a) for start, a in find_mailboxes(text, 10) if not is_reporting_address(a)]
    if len({a.lower() for _, a in named}) != 1 or not in_failure_context(text, *named[0]):
        return
    for incident, piece in zip(found, pieces, strict=True):
        if incident.recipient is None and "@" not in piece:
            incident.recipient = named[0][1]


KIND = "text"  # "smtp" when a code is used the way SMTP uses it (see kind_of)


def detect(text: str) -> bool:
    return True  # the fallback: any text may quote a server's reply


def parse(text: str, explicit: bool) -> list[Incident]:
    return incidents(text, explicit)


def kind_of(found: list[Incident]) -> str:
    return "smtp" if any(i.strong_code for i in found) else "text"
