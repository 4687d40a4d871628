"""The header block of a paste, read with the standard library's `email` parser, within fixed caps.

A paste may be a bare header block, a whole message (`.eml`), or headers after a question ("why
did this go to spam?"). The block starts at the first line that looks like a header field and
ends at the first blank line after it. Every cap below keeps the work linear in the paste and
bounded: this reads text anyone can send.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import HeaderParser
from email.policy import compat32

MAX_BLOCK_CHARS = 128_000
MAX_BLOCK_LINES = 2_000
MAX_FIELDS = 400
MAX_VALUE_CHARS = 8_000
MAX_NAME_CHARS = 76

# Field names that open a header block in a paste (any X-, ARC- or List- name does too).
OPENING_NAMES = frozenset(
    {
        "received",
        "authentication-results",
        "return-path",
        "delivered-to",
        "dkim-signature",
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "received-spf",
    }
)


@dataclass(frozen=True, slots=True)
class Field:
    """One header field, unfolded, with its position from the top (0 is the newest)."""

    index: int
    name: str  # lower case
    value: str


def field_name(line: str) -> str | None:
    """The lower-cased name when `line` starts a header field ("Name: value"), else None."""
    colon = line.find(":", 0, MAX_NAME_CHARS + 1)
    if colon <= 0:
        return None
    name = line[:colon]
    if not name.isascii() or not all(ch.isalnum() or ch == "-" for ch in name):
        return None
    return name.lower()


def is_opening(name: str) -> bool:
    return name in OPENING_NAMES or name.startswith(("x-", "arc-", "list-"))


def header_block(text: str) -> str:
    """The header block of a paste: from the first header-looking line to the first blank line."""
    lines = text[:MAX_BLOCK_CHARS].split("\n", MAX_BLOCK_LINES)[:MAX_BLOCK_LINES]
    start = next((i for i, line in enumerate(lines) if _opens(line)), None)
    if start is None:
        return ""
    block: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line.rstrip())
    return "\n".join(block) + "\n"


def _opens(line: str) -> bool:
    name = field_name(line)
    return name is not None and is_opening(name)


def read_fields(text: str) -> list[Field]:
    """The paste's header fields in order, top first, each value unfolded and capped."""
    block = header_block(text)
    if not block:
        return []
    message = HeaderParser(policy=compat32).parsestr(block, headersonly=True)
    fields = []
    for index, (name, value) in enumerate(message.items()[:MAX_FIELDS]):
        unfolded = " ".join(str(value)[:MAX_VALUE_CHARS].split())
        fields.append(Field(index, name.strip().lower(), unfolded))
    return fields


def first(fields: list[Field], name: str) -> Field | None:
    return next((f for f in fields if f.name == name), None)
