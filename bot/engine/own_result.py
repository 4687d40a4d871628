"""One recipient's own result in a reply that lists a result for each of several recipients.

A gateway that answers the end of DATA once for the whole message can still refuse recipients
for different causes, and then names each one's result in a bracketed list: Barracuda's Email
Security Service says "550 permanent failure for one or more recipients
(a@example.org:550 5.1.1 <a@example.org>: ... User unknown;b@example.org:blocked)". The bounce
quotes that whole reply for every recipient, so each one's cause is its own item of the list,
not the first cause the list happens to hold.
"""

from __future__ import annotations

import re

# An item starts where an address follows the list's "(" or a ";" or "," and is followed by
# ":"; the classes exclude the separators, so each try ends at the first character that
# cannot be part of an address. A source: re compiles it (and caches it) for the first reply
# that holds such a list, which few do.
ITEM_START = r"(?:\(|[;,][ \t\n]*)([^\s:;,()<>@\"]{1,64}@[A-Za-z0-9.-]{1,253}):"
# The list's first item, tried only where a "(" stands: most replies hold one or two.
FIRST_ITEM_RE = re.compile(r"\(([^\s:;,()<>@\"]{1,64}@[A-Za-z0-9.-]{1,253}):")


def own_result(text: str, recipient: str | None) -> str:
    """`text` with a per-recipient list cut down to `recipient`'s own item; `text` unchanged
    when it holds no such list (fewer than two items) or the list does not name `recipient`.

    The words around the list stay (the reply code before it, "(in reply to end of DATA
    command)" after it), so the reply still reads as what it is.
    """
    if not recipient or text.count("@") < 2:
        return text
    first = None
    bracket = text.find("(")
    while bracket >= 0 and first is None:
        first = FIRST_ITEM_RE.match(text, bracket)
        bracket = text.find("(", bracket + 1)
    if first is None:
        return text
    items = list(re.compile(ITEM_START).finditer(text, first.start()))
    if len(items) < 2:
        return text
    wanted = recipient.lower()
    index = next((i for i, item in enumerate(items) if item.group(1).lower() == wanted), None)
    if index is None:
        return text
    own = items[index]
    list_start = items[0].start() + 1  # after the list's "("
    close = text.find(")", items[-1].end())
    list_end = close if close >= 0 else len(text)
    # an item runs to the next one's separator; the last one, to the list's ")"
    end = items[index + 1].start() if index + 1 < len(items) else list_end
    return f"{text[:list_start]}{own.group(1)}:{text[own.end() : end].strip()}{text[list_end:]}"
