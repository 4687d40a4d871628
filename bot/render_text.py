"""Terminal rendering of an Explanation: the same parts Slack shows, as plain text."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from .engine.model import Explanation, Finding
from .wording import display_title, reason_label

WIDTH = 88
BOUNCE_LABELS = {
    "hard": "hard bounce (permanent)",
    "soft": "soft bounce (temporary)",
    "none": "not a failure",
}


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


def render_finding(finding: Finding, show_addresses: bool = True) -> str:
    head = f"{finding.codes_label}  {display_title(finding.title, finding.codes_label)}".strip()
    lines = [head, "=" * min(len(head), WIDTH)]
    facts = [
        ("Reason", reason_label(finding.reason)),
        ("Kind", BOUNCE_LABELS.get(finding.bounce, finding.bounce)),
        ("Retry", finding.retry),
        ("Who acts", finding.who_label),
        ("Provider", finding.provider or ""),
        ("Recipient", (finding.recipient or "") if show_addresses else ""),
        ("Remote MTA", finding.remote_mta or ""),
    ]
    for label, value in facts:
        if value:
            lines.append(_fill(value, f"{label + ':':<12}", " " * 12))
    lines += ["", "What it means", _wrap(finding.meaning)]
    if finding.causes:
        lines += ["", "Likely causes", *_bullets(finding.causes)]
    lines += ["", "How to fix (sender)", *_bullets(finding.sender_fix)]
    if finding.admin_fix:
        lines += ["", "How to fix (recipient's admin)", *_bullets(finding.admin_fix)]
    if finding.references:
        lines += ["", "References", *_bullets(finding.references)]
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
        return explanation.notice or "Nothing to explain."
    parts = [render_finding(f, show_addresses) for f in explanation.findings]
    if explanation.truncated:
        parts.append("(The input was long; only its first part was read.)")
    return "\n\n".join(parts)
