"""Where the header block of a paste is: from its first header-looking line to the first blank one.

A paste may be a bare header block, a whole message (`.eml`), or headers after a question ("why
did this go to spam?"). Nothing here imports more than the standard library's core, because the
engine runs `detect.looks_like_headers` on every explicit question.
"""

from __future__ import annotations

MAX_BLOCK_CHARS = 128_000
MAX_BLOCK_LINES = 2_000
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
