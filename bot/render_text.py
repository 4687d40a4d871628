"""Terminal rendering of an Explanation: the same parts Slack shows, in the same words (bot/wording.py),
as plain text."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from .engine.model import Explanation
from .finding_groups import FindingGroup, group_facts, group_findings, not_shown_note
from .wording import (
    ADMIN_FIX,
    CAUSES,
    MEANING,
    NOTHING_TO_EXPLAIN,
    REFERENCES,
    SENDER_FIX,
    TRUNCATED,
    finding_title,
)

WIDTH = 88
LABEL_WIDTH = 15  # "Remote server: " and its value


def _fill(text: str, first: str, rest: str) -> str:
    """`text` wrapped to WIDTH at spaces only: a URL or a hyphenated word copied from the terminal
    must come out whole, so a long one overruns the line instead of being split."""
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _wrap(text: str, indent: str = "  ") -> str:
    return _fill(text, indent, indent)


def _bullets(items: tuple[str, ...]) -> list[str]:
    return [_fill(item, "  - ", "    ") for item in items]


def render_group(group: FindingGroup, show_addresses: bool = True) -> str:
    """One explanation, with every recipient it concerns among its facts."""
    finding = group.finding
    head = finding_title(finding)
    lines = [head, "=" * min(len(head), WIDTH)]
    for fact in group_facts(group, show_addresses):
        label = fact.label if fact.label.endswith("?") else f"{fact.label}:"  # "Retry?", not "Retry?:"
        lines.append(_fill(fact.value, f"{label:<{LABEL_WIDTH}}", " " * LABEL_WIDTH))
    lines += ["", MEANING, _wrap(finding.meaning)]
    for heading, items in (
        (CAUSES, finding.causes),
        (SENDER_FIX, finding.sender_fix),
        (ADMIN_FIX, finding.admin_fix),
        (REFERENCES, finding.references),
    ):
        if items:
            lines += ["", heading, *_bullets(items)]
    lines += [
        "",
        f"confidence {finding.confidence:.2f} · matched: {finding.matched_text} · entry {finding.entry_id}"
        f" · reason {finding.reason}",
    ]
    return "\n".join(lines)


def render(explanation: Explanation, show_addresses: bool = True) -> str:
    if explanation.headers is not None:  # a pasted message header: its analysis, then any findings
        from .headers.terminal import render as render_header

        rest = render(replace(explanation, headers=None), show_addresses) if explanation.findings else ""
        return "\n\n".join(part for part in (render_header(explanation.headers), rest) if part)
    if not explanation.findings:
        return explanation.notice or NOTHING_TO_EXPLAIN
    parts = [render_group(g, show_addresses) for g in group_findings(explanation.findings)]
    if note := not_shown_note(explanation):
        parts.append(f"({note})")
    if explanation.truncated:
        parts.append(f"({TRUNCATED})")
    return "\n\n".join(parts)
