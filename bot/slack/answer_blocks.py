"""An `Explanation` as a Slack answer (Block Kit plus a plain-text fallback), and the "seen N times"
line flood control adds to an alert's answer.

Long answers lose detail from the end, never their first finding; long pastes are cut at a line or
word boundary. The words come from bot/wording.py, which the terminal renderer shares.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from ..engine.model import Explanation
from ..finding_groups import (
    FindingGroup,
    count_note,
    group_facts,
    group_findings,
    not_shown_note,
    recipients_phrase,
)
from ..wording import (
    ADMIN_FIX,
    CAUSES,
    MEANING,
    NOTHING_TO_EXPLAIN,
    REFERENCES,
    SENDER_FIX,
    SERVER_SAID,
    TRUNCATED,
    Fact,
    bounce_label,
    display_title,
    finding_title,
)
from .block_kit import (
    MAX_BLOCKS,
    MAX_BUTTON_VALUE,
    MAX_FALLBACK_CHARS,
    MAX_FIELD_CHARS,
    MAX_FIELDS,
    MAX_MESSAGE_CHARS,
    MAX_SECTION_CHARS,
    Rendered,
    blocks_size,
    button,
    context,
    divider,
    enforce_limits,
    header,
    mrkdwn,
    section,
)
from .mrkdwn import clip, code, escape, host_name, mask_addresses

MAX_DETAILED_FINDINGS = 3
SERVER_REPLY_CHARS = 700
MATCHED_CHARS = 200

SHARE_ACTION = "share_answer"
HELPFUL_ACTION = "feedback_helpful"
NOT_HELPFUL_ACTION = "feedback_not_helpful"
FLOOD_BLOCK_ID = "flood_count"
ACTIONS_BLOCK_ID = "answer_actions"

Audience = Literal["private", "channel"]


class _Privacy:
    def __init__(self, audience: Audience, show_addresses: bool) -> None:
        self.hide = audience == "channel" and not show_addresses

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        return mask_addresses(text) if self.hide else text


def _bullets(items: tuple[str, ...]) -> str:
    return "\n".join(f"• {escape(item)}" for item in items)


def _reference(ref: str) -> str:
    ref = ref.strip()
    if ref.startswith(("https://", "http://")) and " " not in ref and "|" not in ref and ">" not in ref:
        label = ref.split("://", 1)[1].rstrip("/")
        return f"<{ref}|{escape(clip(label, 80))}>"
    return escape(ref)


def _fact_text(fact: Fact) -> str:
    """A fact's value as mrkdwn: addresses and host names from the input as code, the rest escaped."""
    if fact.key == "recipient":
        return code(fact.value)
    if fact.key == "recipients":  # made by recipients_phrase with each address as code
        return fact.value
    if fact.key == "remote":  # echoed only when it is a host name or an address
        return code(host_name(fact.value) or "")
    return escape(fact.value)


def _group_blocks(group: FindingGroup, privacy: _Privacy, server_reply: bool) -> list[dict[str, Any]]:
    """One explanation in full; its first finding's server reply when `server_reply`."""
    finding = group.finding
    blocks: list[dict[str, Any]] = [header(finding_title(finding))]
    group_fact_list = group_facts(group, show_addresses=not privacy.hide, quote=code)
    shown = [(fact.label, _fact_text(fact)) for fact in group_fact_list]
    fields = [mrkdwn(f"*{label}*\n{value}", MAX_FIELD_CHARS) for label, value in shown if value]
    blocks.append({"type": "section", "fields": fields[:MAX_FIELDS]})
    meaning = f"*{MEANING}*\n{escape(finding.meaning)}"
    if finding.causes:
        meaning += f"\n*{CAUSES}*\n{_bullets(finding.causes)}"
    blocks.append(section(meaning))
    if finding.sender_fix:
        blocks.append(section(f"*{SENDER_FIX}*\n{_bullets(finding.sender_fix)}"))
    if finding.admin_fix:
        blocks.append(section(f"*{ADMIN_FIX}*\n{_bullets(finding.admin_fix)}"))
    if finding.references:
        blocks.append(
            section(f"*{REFERENCES}*\n" + "\n".join(f"• {_reference(r)}" for r in finding.references))
        )
    if server_reply and finding.diagnostic and finding.diagnostic.strip() != finding.matched_text.strip():
        reply = clip(privacy(finding.diagnostic), SERVER_REPLY_CHARS).replace("```", "ˋˋˋ")
        blocks.append(section(f"*{SERVER_SAID}*\n```{escape(reply)}```"))
    matched = clip(privacy(finding.matched_text), MATCHED_CHARS)
    blocks.append(
        context(
            f"Confidence {round(finding.confidence * 100)}%",
            f"matched {code(matched)}" if matched else "",
            f"entry `{escape(finding.entry_id)}` · reason `{escape(finding.reason)}`",
        )
    )
    return blocks


def _summary_line(group: FindingGroup, privacy: _Privacy) -> str:
    finding = group.finding
    if len(group.recipients) > 1:
        who = f" — {recipients_phrase(group, show_addresses=not privacy.hide, quote=code)}"
    else:
        who = f" — {code(finding.recipient)}" if finding.recipient and not privacy.hide else ""
    bounce = bounce_label(finding.bounce).split(" (")[0].lower()
    codes = f"`{escape(finding.codes_label)}` " if finding.codes_label else ""
    return f"• {codes}{escape(display_title(finding.title, finding.codes_label))} ({bounce}){who}"


def fallback_text(explanation: Explanation, privacy: _Privacy | None = None) -> str:
    privacy = privacy or _Privacy("private", True)
    best = explanation.best
    if best is None:
        return clip(escape(explanation.notice or NOTHING_TO_EXPLAIN), MAX_FALLBACK_CHARS)
    counts = count_note(explanation, group_findings(explanation.findings))
    # the counts come before the retry advice, which can be long enough to be cut
    text = (
        f"{finding_title(best)}: {bounce_label(best.bounce)}{f' — {counts}' if counts else ''}. "
        f"Who must act: {best.who_label}. Retry? {best.retry}"
    )
    return clip(escape(privacy(text)), MAX_FALLBACK_CHARS)


def feedback_value(explanation: Explanation) -> str:
    """The entries the answer explains, each once."""
    entries = dict.fromkeys(f.entry_id for f in explanation.findings)
    return ",".join(entries)[:MAX_BUTTON_VALUE]


def _footer(explanation: Explanation, share_id: str | None, feedback: bool) -> list[dict[str, Any]]:
    """The truncation note and the buttons: *Share in channel*, *Helpful*, *Not helpful*."""
    footer: list[dict[str, Any]] = []
    if explanation.truncated:
        footer.append(context(TRUNCATED))
    buttons = []
    if share_id:
        buttons.append(button("Share in channel", SHARE_ACTION, share_id, style="primary"))
    if feedback and explanation.findings:
        value = feedback_value(explanation)
        buttons.append(button("👍 Helpful", HELPFUL_ACTION, value))
        buttons.append(button("👎 Not helpful", NOT_HELPFUL_ACTION, value))
    if buttons:
        footer.append({"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": buttons})
    return footer


def render_explanation(
    explanation: Explanation,
    *,
    audience: Audience,
    show_addresses: bool = False,
    share_id: str | None = None,
    feedback: bool = True,
    intro: str | None = None,
) -> Rendered:
    """The answer to one text. `audience="channel"` hides failed recipients' addresses unless
    `show_addresses`; `share_id` adds the *Share in channel* button."""
    privacy = _Privacy(audience, show_addresses)
    footer = _footer(explanation, share_id, feedback)
    blocks: list[dict[str, Any]] = []
    if intro:
        blocks.append(section(intro))
    if explanation.headers is not None:  # a pasted message header: its analysis comes first
        from .header_blocks import header_blocks, header_fallback  # loaded for header answers only

        blocks.extend(header_blocks(explanation.headers, hide_addresses=privacy.hide))
        if not explanation.findings:
            return Rendered(enforce_limits(blocks + footer), header_fallback(explanation.headers))
    if not explanation.findings:
        blocks.append(section(escape(explanation.notice or NOTHING_TO_EXPLAIN)))
        return Rendered(enforce_limits(blocks + footer), fallback_text(explanation, privacy))

    # room for the footer, a summary of what did not fit, the count of findings the engine left
    # out and a flood-count line added later
    reserve_blocks = len(footer) + 4
    reserve_chars = blocks_size(footer) + MAX_SECTION_CHARS // 2 + 400
    rest: list[FindingGroup] = []
    for i, group in enumerate(group_findings(explanation.findings)):
        if rest or i >= MAX_DETAILED_FINDINGS:
            rest.append(group)
            continue
        candidate = ([divider()] if i else []) + _group_blocks(group, privacy, server_reply=i == 0)
        fits = (
            len(blocks) + len(candidate) + reserve_blocks <= MAX_BLOCKS
            and blocks_size(blocks) + blocks_size(candidate) + reserve_chars <= MAX_MESSAGE_CHARS
        )
        if fits or i == 0:
            blocks.extend(candidate)
        else:
            rest.append(group)
    if rest:
        lines = "\n".join(_summary_line(g, privacy) for g in rest)
        blocks.append(divider())
        blocks.append(section(f"*Also found*\n{lines}"))
    if note := not_shown_note(explanation):
        blocks.append(context(escape(note)))
    return Rendered(enforce_limits(blocks + footer), fallback_text(explanation, privacy))


# --- flood control -----------------------------------------------------------------------------------


def flood_line(count: int, last_seen: float) -> dict[str, Any]:
    stamp = int(last_seen)
    fallback = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(stamp))
    return context(
        f"Seen *{count}* times in this channel · last "
        f"<!date^{stamp}^{{date_short_pretty}} {{time_secs}}|{fallback}>",
        block_id=FLOOD_BLOCK_ID,
    )


def with_flood_count(blocks: list[dict[str, Any]], count: int, last_seen: float) -> list[dict[str, Any]]:
    """The answer's blocks with its "seen N times" line replaced or added (before the buttons)."""
    kept = [b for b in blocks if b.get("block_id") != FLOOD_BLOCK_ID]
    at = len(kept) - 1 if kept and kept[-1].get("type") == "actions" else len(kept)
    return enforce_limits([*kept[:at], flood_line(count, last_seen), *kept[at:]])


def flood_fallback(text: str, count: int) -> str:
    return clip(f"{text} (seen {count} times)", MAX_FALLBACK_CHARS)
