"""The fields of a paste's header block, read with the standard library's `email` parser.

Every cap here and in block.py keeps the work linear in the paste and bounded: this reads text
anyone can send.
"""

from __future__ import annotations

from dataclasses import dataclass

from .block import header_block

MAX_FIELDS = 400
MAX_VALUE_CHARS = 8_000


@dataclass(frozen=True, slots=True)
class Field:
    """One header field, unfolded, with its position from the top (0 is the newest)."""

    index: int
    name: str  # lower case
    value: str


def read_fields(text: str) -> list[Field]:
    """The paste's header fields in order, top first, each value unfolded and capped."""
    block = header_block(text)
    if not block:
        return []
    from email.parser import HeaderParser  # loaded for a header paste only
    from email.policy import compat32

    message = HeaderParser(policy=compat32).parsestr(block, headersonly=True)
    fields = []
    for index, (name, value) in enumerate(message.items()[:MAX_FIELDS]):
        unfolded = " ".join(str(value)[:MAX_VALUE_CHARS].split())
        fields.append(Field(index, name.strip().lower(), unfolded))
    return fields


def first(fields: list[Field], name: str) -> Field | None:
    return next((f for f in fields if f.name == name), None)
