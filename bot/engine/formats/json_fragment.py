"""A JSON payload copied in part: made whole when only its ends are missing.

People copy from a webhook log or a console the part of an event they look at: a few members
without the braces around them (`"event": "bounce", "email": ...`), or an object cut off before
its end. `completed` gives such a fragment its missing ends: a brace around bare members, the
closing brackets of what is still open, and no trailing comma. It adds nothing else, so a
fragment whose inside is broken stays unreadable, and a text that is no JSON stays none. One pass
over the text, whatever it holds.
"""

from __future__ import annotations

import re

MAX_FRAGMENT_CHARS = 200_000
MAX_OPEN = 32
# A fragment of members starts with a quoted key and its colon
MEMBER_START = r'^\s*"[^"\n]{1,100}"\s*:'
CLOSERS = {"{": "}", "[": "]"}


def completed(text: str) -> str | None:
    """The fragment as a whole JSON document, or None when it is none this can complete: not a
    fragment (it starts neither with an object, an array nor a member), broken inside, or whole
    already."""
    body = text.strip()
    if len(body) > MAX_FRAGMENT_CHARS or not body:
        return None
    members = re.match(MEMBER_START, body) is not None
    if not members and body[0] not in CLOSERS:
        return None
    open_ = ["{"] if members else []
    in_string = escaped = False
    for ch in body:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in CLOSERS:
            open_.append(ch)
            if len(open_) > MAX_OPEN:
                return None
        elif ch in "}]":
            expected = CLOSERS[open_.pop()] if open_ else None
            if ch != expected:
                return None
    if in_string or not open_:
        return None  # a string cut in two, or a document that needs nothing
    body = body.rstrip(" \t\r\n,")
    if body.endswith(":"):
        return None  # a key whose value was cut off
    prefix = "{" if members else ""
    return prefix + body + "".join(CLOSERS[ch] for ch in reversed(open_))
