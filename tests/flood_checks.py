"""Checks on the answers flood control gives: the count an answer shows, the pace of posts."""

from __future__ import annotations

import itertools
import json
import re

from bot.slack.answer_blocks import FLOOD_BLOCK_ID

# Slots are one second apart; arrivals at the stand-in jitter with the machine's load.
PACE_TOLERANCE = 0.75


def seen_count(call) -> int | None:
    for block in call.json_param("blocks") or ():
        if block.get("block_id") == FLOOD_BLOCK_ID:
            match = re.search(r"Seen \*(\d+)\* times", json.dumps(block))
            return int(match.group(1)) if match else None
    return None


def assert_paced(calls: list) -> None:
    times = sorted(c.at for c in calls)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap >= PACE_TOLERANCE for gap in gaps), gaps
