"""Slack's limits on a message's Block Kit blocks, as the stand-in enforces them."""

from __future__ import annotations

import json
from typing import Any

# Slack's limits for a message's blocks (https://api.slack.com/reference/block-kit/blocks). The total is
# not documented; Slack answers msg_blocks_too_long a little above 13,000 characters of blocks JSON.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_BLOCKS_JSON = 13_000


def block_kit_error(blocks: Any) -> str | None:
    """Slack's error for a message whose blocks break its limits, or None when they are fine."""
    if blocks is None:
        return None
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks_format"
    if not isinstance(blocks, list):
        return "invalid_blocks_format"
    if len(blocks) > MAX_BLOCKS:
        return "invalid_blocks"
    for block in blocks:
        if not isinstance(block, dict):
            return "invalid_blocks"
        text = block.get("text")
        text = text.get("text", "") if isinstance(text, dict) else ""
        limit = MAX_HEADER_TEXT if block.get("type") == "header" else MAX_SECTION_TEXT
        if len(text) > limit:
            return "invalid_blocks"
        fields = block.get("fields") or []
        if len(fields) > MAX_FIELDS or any(len(f.get("text", "")) > MAX_FIELD_TEXT for f in fields):
            return "invalid_blocks"
        for element in block.get("elements") or []:
            if isinstance(element, dict) and len(str(element.get("text", ""))) > MAX_SECTION_TEXT:
                return "invalid_blocks"
    if len(json.dumps(blocks, ensure_ascii=False)) > MAX_BLOCKS_JSON:
        return "msg_blocks_too_long"
    return None
