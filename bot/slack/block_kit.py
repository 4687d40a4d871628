"""Block Kit's building blocks and Slack's limits for them: every answer is built from these.

Slack refuses a message beyond its limits, so what leaves here stays inside them: at most 50 blocks,
3,000 characters per section text, 150 per header, 2,000 per field, and about 12,000 characters for the
whole message (Slack answers `msg_blocks_too_long` a little above that). `fit_blocks` is the last line
of defence every send path runs its blocks through.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .mrkdwn import clip

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_FIELD_CHARS = 2000
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_VALUE = 2000
MAX_MESSAGE_CHARS = 12_000  # the whole `blocks` array as JSON
MAX_FALLBACK_CHARS = 3000


@dataclass(frozen=True, slots=True)
class Rendered:
    blocks: list[dict[str, Any]]
    text: str  # the notification / accessibility fallback

    def message(self) -> dict[str, Any]:
        return {"blocks": self.blocks, "text": self.text}


def mrkdwn(text: str, limit: int = MAX_SECTION_CHARS) -> dict[str, Any]:
    # verbatim: Slack turns nothing into a link or a mention by itself; our own links are explicit
    return {"type": "mrkdwn", "text": clip(text, limit), "verbatim": True}


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> dict[str, Any]:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_CHARS), "emoji": True},
    }


def context(*texts: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "context",
        "elements": [mrkdwn(t, MAX_SECTION_CHARS) for t in texts[:MAX_CONTEXT_ELEMENTS] if t],
    }
    if block_id:
        block["block_id"] = block_id
    return block


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, 75), "emoji": True},
        "action_id": action_id,
        "value": value[:MAX_BUTTON_VALUE],
    }
    if style:
        element["style"] = style
    return element


def blocks_size(blocks: Sequence[dict[str, Any]]) -> int:
    return len(json.dumps(blocks, ensure_ascii=False))


def enforce_limits(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Whatever was built, what leaves here is inside Slack's limits (`blocks` is changed in place).

    Drops blocks before the trailing actions until the count and total size fit; clips the longest
    section when even the first finding alone is too big.
    """
    tail = [b for b in blocks[-1:] if b.get("type") == "actions"]
    body = blocks[: len(blocks) - len(tail)]
    while body and (len(body) + len(tail) > MAX_BLOCKS or blocks_size(body + tail) > MAX_MESSAGE_CHARS):
        if len(body) > 3:
            body.pop()
            continue
        longest = max(
            (b for b in body if b.get("type") == "section" and "text" in b),
            key=lambda b: len(b["text"]["text"]),
            default=None,
        )
        if longest is None or len(longest["text"]["text"]) < 200:
            body.pop()
            continue
        longest["text"]["text"] = clip(longest["text"]["text"], len(longest["text"]["text"]) // 2)
    return body + tail


def fit_blocks(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`blocks` cut to Slack's limits. Every send path runs its blocks through this just before the
    call, whatever built them (a shared answer gains a "Shared by" line, a flood answer a count)."""
    return enforce_limits(copy.deepcopy(list(blocks)))
