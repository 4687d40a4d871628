"""Slack's message formatting in and out: turning Slack markup back into what was pasted, escaping what
we echo, and hiding mail addresses from channels."""

from __future__ import annotations

import html
import re
from typing import Any

# What one message may contribute to the engine: bounces are rarely longer, and the engine cuts anyway.
MAX_MESSAGE_CHARS = 100_000

# <https://x|label>, <mailto:a@b|a@b>, <@U123>, <#C123|name>, <!here>, <!subteam^S1|@team>
_SLACK_MARKUP_RE = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
_ADDRESS_RE = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64})@((?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63})\b"
)
HIDDEN_LOCAL_PART = "…"
# JSON may carry an escaped half of a surrogate pair; such text cannot be encoded as UTF-8 (Redis, logs).
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def plain_text(text: str | None) -> str:
    """What the user pasted, from Slack's markup: links become their text, mentions disappear,
    and the `&lt;` `&gt;` `&amp;` escapes are undone (bounces are full of <addresses>)."""
    if not text:
        return ""

    def unwrap(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@" or sigil == "!":
            return ""
        if sigil == "#":
            return f"#{label}" if label else ""
        if label:
            return label
        return target.removeprefix("mailto:")

    text = _LONE_SURROGATE_RE.sub("\ufffd", text[:MAX_MESSAGE_CHARS])
    return html.unescape(_SLACK_MARKUP_RE.sub(unwrap, text))


def escape(text: str) -> str:
    """Text safe to put in mrkdwn: no accidental links, mentions or <!channel>."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mask_addresses(text: str) -> str:
    """`ana@example.com` -> `…@example.com`: the domain helps diagnose, the person stays private."""
    return _ADDRESS_RE.sub(lambda m: f"{HIDDEN_LOCAL_PART}@{m.group(2)}", text)


def mentions(text: str | None, user_id: str | None) -> bool:
    return bool(text and user_id and f"<@{user_id}" in text)


def message_text(event: dict[str, Any]) -> str:
    """All the readable text of a message event: its text, legacy attachments and blocks.

    Integrations often put the alert in attachments or blocks and leave `text` as a short summary.
    """
    parts: list[str] = []
    if event.get("text"):
        parts.append(str(event["text"]))
    for attachment in event.get("attachments") or ():
        if not isinstance(attachment, dict):
            continue
        for name in ("pretext", "title", "text"):
            if attachment.get(name):
                parts.append(str(attachment[name]))
        for f in attachment.get("fields") or ():
            if isinstance(f, dict):
                parts.append(f"{f.get('title', '')}: {f.get('value', '')}")
        if not attachment.get("text") and attachment.get("fallback"):
            parts.append(str(attachment["fallback"]))
    block_texts = list(_block_texts(event.get("blocks") or ()))
    joined_so_far = "\n".join(parts)
    # A message's `text` is usually its blocks' text flattened; keep blocks only when they add something.
    for piece in block_texts:
        if piece and piece not in joined_so_far:
            parts.append(piece)
    return plain_text("\n".join(parts))


def _block_texts(blocks: Any) -> Any:
    for block in blocks if isinstance(blocks, list | tuple) else ():
        if not isinstance(block, dict):
            continue
        text = block.get("text")
        if isinstance(text, dict) and text.get("text"):
            yield str(text["text"])
        for f in block.get("fields") or ():
            if isinstance(f, dict) and f.get("text"):
                yield str(f["text"])
        if block.get("type") in ("rich_text", "context"):
            yield "".join(_rich_text(block.get("elements") or ()))


def _rich_text(elements: Any) -> Any:
    for element in elements if isinstance(elements, list | tuple) else ():
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind in ("text", "mrkdwn", "plain_text"):
            yield str(element.get("text", ""))
        elif kind == "link":
            yield str(element.get("text") or element.get("url", ""))
        elif kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            yield from _rich_text(element.get("elements"))
            yield "\n"
        elif kind == "rich_text_list":
            for item in element.get("elements") or ():
                yield from _rich_text([item])


def clip(text: str, limit: int, marker: str = "…") -> str:
    """Cut at a line or word boundary near `limit`, never inside a word unless there is no boundary."""
    if len(text) <= limit:
        return text
    room = limit - len(marker)
    cut = text.rfind("\n", 0, room)
    if cut < room * 0.6:
        cut = text.rfind(" ", 0, room)
    if cut < room * 0.6:
        cut = room
    return text[:cut].rstrip() + marker
