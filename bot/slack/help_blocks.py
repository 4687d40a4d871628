"""Block Kit for the answers that are not explanations: how to use the bot, knowledge-base listings
(`/smtp list`, `/smtp search`), short notes and the App Home tab. Whatever came from the person asking
is shown as code, so it cannot format, link or mention anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..engine.model import Entry
from .block_kit import (
    MAX_BLOCKS,
    MAX_FALLBACK_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_SECTION_CHARS,
    Rendered,
    blocks_size,
    context,
    divider,
    fit_blocks,
    header,
    section,
)
from .mrkdwn import clip, code, escape

USAGE = (
    "*How to use smtpbot*\n"
    "• `/smtp 550 5.7.26` — explain a reply code, an enhanced status code or a server's reply\n"
    "• `/smtp` followed by a pasted bounce, log line or JSON bounce record — explain all of it\n"
    "• `/smtp list 5.7` — the codes the knowledge base has under a prefix\n"
    "• `/smtp search mailbox full` — search the knowledge base\n"
    "• `@smtpbot` with a paste or a question in any channel I am in — I answer in the thread\n"
    "• a direct message to me works the same way\n"
    "• message menu (⋮) › *Explain this bounce* — explain any message\n"
    "Answers to `/smtp` are only visible to you; *Share in channel* posts them for everyone."
)


def render_usage(note: str | None = None) -> Rendered:
    blocks = [section(escape(note))] if note else []
    blocks.append(section(USAGE))
    return Rendered(blocks, "How to use smtpbot: /smtp CODE-OR-BOUNCE, /smtp list 5.7, /smtp search WORDS")


def _entry_line(entry: Entry) -> str:
    codes = ", ".join(entry.codes[:4]) + ("…" if len(entry.codes) > 4 else "")
    codes_part = f"`{escape(codes)}` " if codes else ""
    return f"• {codes_part}{escape(entry.title)}"


def _listing(title: str, lines: list[str], empty: str, fallback: str) -> Rendered:
    """A title and as many lines as fit, in sections of up to 3,000 characters, then "and N more"."""
    if not lines:
        return Rendered([section(empty)], escape(fallback))
    budget = MAX_MESSAGE_CHARS - 600  # room for the "and N more" line
    blocks = [section(title)]
    chunk: list[str] = []
    shown = 0
    for line in lines:
        candidate = "\n".join([*chunk, line])
        if len(candidate) > MAX_SECTION_CHARS - 100:
            blocks.append(section("\n".join(chunk)))
            chunk, candidate = [], line
        if blocks_size([*blocks, section(candidate)]) > budget or len(blocks) >= MAX_BLOCKS - 2:
            break
        chunk.append(line)
        shown += 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if shown < len(lines):
        blocks.append(context(f"…and {len(lines) - shown} more. Narrow it down, e.g. `/smtp list 5.7.1`."))
    return Rendered(fit_blocks(blocks), escape(fallback))


def render_list(prefix: str, entries: list[Entry]) -> Rendered:
    return _listing(
        f"*Codes under {code(prefix)}* ({len(entries)} entries)",
        [_entry_line(e) for e in entries],
        f"No knowledge entries have codes under {code(prefix)}. Try a shorter prefix such as 5.7 or 4.",
        f"{len(entries)} entries under {prefix}",
    )


def render_search(words: str, results: list[tuple[Entry, float]]) -> Rendered:
    return _listing(
        f"*Knowledge entries for {code(clip(words, 100))}*",
        [_entry_line(entry) for entry, _ in results],
        f"Nothing in the knowledge base matches {code(clip(words, 100))}. "
        "Try other words or paste the error.",
        f"{len(results)} entries match {clip(words, 100)}",
    )


def render_text(text: str) -> Rendered:
    return Rendered([section(escape(text))], clip(escape(text), MAX_FALLBACK_CHARS))


def home_view(alert_channels: Sequence[str], flood_window: int, show_addresses: bool) -> dict[str, Any]:
    if alert_channels:
        watched = ", ".join(f"<#{c}>" for c in alert_channels[:40])
        if len(alert_channels) > 40:
            watched += f" and {len(alert_channels) - 40} more"
        alerts = (
            f"*Alert channels I watch*\n{watched}\n"
            f"I answer bounces posted there by integrations and people, in the alert's thread. The same "
            f"problem again within {flood_window // 60 or 1} min updates my first answer with a count "
            f"instead of a new message."
        )
    else:
        alerts = "*Alert channels*\nNone configured (SMTPBOT_ALERT_CHANNELS)."
    privacy = (
        "Failed recipients' addresses are shown in channels."
        if show_addresses
        else "Failed recipients' addresses are hidden in channels (only you see them in answers to /smtp)."
    )
    return {
        "type": "home",
        "blocks": [
            header("smtpbot explains SMTP errors and bounces"),
            section(USAGE),
            divider(),
            section(alerts),
            context(privacy),
        ],
    }
