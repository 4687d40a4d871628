"""The one place an `Explanation` (and every other answer) becomes Block Kit plus a plain-text fallback.

Everything here stays inside Slack's limits before anything is sent: at most 50 blocks, 3,000 characters
per section text, 150 per header, 2,000 per field, and about 12,000 characters for the whole message
(Slack answers `msg_blocks_too_long` a little above that). Long answers lose detail from the end, never
their first finding; long pastes are cut at a line or word boundary.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..engine.model import Explanation, Finding
from ..wording import display_title, reason_label
from .text import clip, code, escape, host_name, mask_addresses

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_FIELD_CHARS = 2000
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_VALUE = 2000
MAX_MESSAGE_CHARS = 12_000  # the whole `blocks` array as JSON
MAX_FALLBACK_CHARS = 3000
MAX_DETAILED_FINDINGS = 3
SERVER_REPLY_CHARS = 700
MATCHED_CHARS = 200

SHARE_ACTION = "share_answer"
HELPFUL_ACTION = "feedback_helpful"
NOT_HELPFUL_ACTION = "feedback_not_helpful"
FLOOD_BLOCK_ID = "flood_count"
ACTIONS_BLOCK_ID = "answer_actions"

BOUNCE_LABELS = {
    "hard": "Hard bounce (permanent)",
    "soft": "Soft bounce (temporary)",
    "none": "Not a failure",
}

Audience = Literal["private", "channel"]


@dataclass(frozen=True, slots=True)
class Rendered:
    blocks: list[dict[str, Any]]
    text: str  # the notification / accessibility fallback

    def message(self) -> dict[str, Any]:
        return {"blocks": self.blocks, "text": self.text}


# --- small block builders --------------------------------------------------------------------------


def _mrkdwn(text: str, limit: int = MAX_SECTION_CHARS) -> dict[str, Any]:
    # verbatim: Slack turns nothing into a link or a mention by itself; our own links are explicit
    return {"type": "mrkdwn", "text": clip(text, limit), "verbatim": True}


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": _mrkdwn(text)}
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
        "elements": [_mrkdwn(t, MAX_SECTION_CHARS) for t in texts[:MAX_CONTEXT_ELEMENTS] if t],
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


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {escape(item)}" for item in items)


def _reference(ref: str) -> str:
    ref = ref.strip()
    if ref.startswith(("https://", "http://")) and " " not in ref and "|" not in ref and ">" not in ref:
        label = ref.split("://", 1)[1].rstrip("/")
        return f"<{ref}|{escape(clip(label, 80))}>"
    return escape(ref)


# --- explanations ------------------------------------------------------------------------------------


class _Privacy:
    def __init__(self, audience: Audience, show_addresses: bool) -> None:
        self.hide = audience == "channel" and not show_addresses

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        return mask_addresses(text) if self.hide else text


def finding_title(finding: Finding) -> str:
    return f"{finding.codes_label} {display_title(finding.title, finding.codes_label)}".strip()


def _finding_blocks(finding: Finding, privacy: _Privacy, server_reply: bool) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [header(finding_title(finding))]
    facts = [
        ("Reason", escape(reason_label(finding.reason))),
        ("Bounce", BOUNCE_LABELS.get(finding.bounce, finding.bounce)),
        ("Retry?", escape(finding.retry)),
        ("Who must act", escape(finding.who_label.capitalize())),
        ("Provider", escape(finding.provider or "")),
        ("Recipient", code(finding.recipient) if finding.recipient and not privacy.hide else ""),
        ("Remote server", code(host_name(finding.remote_mta) or "")),
    ]
    fields = [_mrkdwn(f"*{label}*\n{value}", MAX_FIELD_CHARS) for label, value in facts if value]
    blocks.append({"type": "section", "fields": fields[:MAX_FIELDS]})
    meaning = f"*What it means*\n{escape(finding.meaning)}"
    if finding.causes:
        meaning += f"\n*Likely causes*\n{_bullets(finding.causes)}"
    blocks.append(section(meaning))
    if finding.sender_fix:
        blocks.append(section(f"*How to fix it (sender)*\n{_bullets(finding.sender_fix)}"))
    if finding.admin_fix:
        blocks.append(section(f"*How to fix it (recipient's admin)*\n{_bullets(finding.admin_fix)}"))
    if finding.references:
        blocks.append(section("*References*\n" + "\n".join(f"• {_reference(r)}" for r in finding.references)))
    if server_reply and finding.diagnostic and finding.diagnostic.strip() != finding.matched_text.strip():
        reply = clip(privacy(finding.diagnostic), SERVER_REPLY_CHARS).replace("```", "ˋˋˋ")
        blocks.append(section(f"*The server said*\n```{escape(reply)}```"))
    matched = clip(privacy(finding.matched_text), MATCHED_CHARS)
    blocks.append(
        context(
            f"Confidence {round(finding.confidence * 100)}%",
            f"matched {code(matched)}" if matched else "",
            f"entry `{escape(finding.entry_id)}` · reason `{escape(finding.reason)}`",
        )
    )
    return blocks


def _summary_line(finding: Finding, privacy: _Privacy) -> str:
    who = f" — {code(finding.recipient)}" if finding.recipient and not privacy.hide else ""
    bounce = BOUNCE_LABELS.get(finding.bounce, finding.bounce).split(" (")[0].lower()
    codes = f"`{escape(finding.codes_label)}` " if finding.codes_label else ""
    return f"• {codes}{escape(display_title(finding.title, finding.codes_label))} ({bounce}){who}"


def fallback_text(explanation: Explanation, privacy: _Privacy | None = None) -> str:
    privacy = privacy or _Privacy("private", True)
    best = explanation.best
    if best is None:
        return clip(escape(explanation.notice or "Nothing to explain."), MAX_FALLBACK_CHARS)
    bounce = BOUNCE_LABELS.get(best.bounce, best.bounce)
    text = f"{finding_title(best)}: {bounce}. Who must act: {best.who_label}. Retry? {best.retry}"
    more = len(explanation.findings) - 1
    if more > 0:
        text += f" (+{more} more finding{'s' if more > 1 else ''})"
    return clip(escape(privacy(text)), MAX_FALLBACK_CHARS)


def feedback_value(explanation: Explanation) -> str:
    return ",".join(f.entry_id for f in explanation.findings)[:MAX_BUTTON_VALUE]


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
    footer: list[dict[str, Any]] = []
    if explanation.truncated:
        footer.append(context("The paste was long: I read only its first part."))
    buttons = []
    if share_id:
        buttons.append(button("Share in channel", SHARE_ACTION, share_id, style="primary"))
    if feedback and explanation.findings:
        value = feedback_value(explanation)
        buttons.append(button("👍 Helpful", HELPFUL_ACTION, value))
        buttons.append(button("👎 Not helpful", NOT_HELPFUL_ACTION, value))
    if buttons:
        footer.append({"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": buttons})

    blocks: list[dict[str, Any]] = []
    if intro:
        blocks.append(section(intro))
    if explanation.headers is not None:  # a pasted message header: its analysis comes first
        from .header_blocks import header_blocks, header_fallback  # loaded for header answers only

        blocks.extend(header_blocks(explanation.headers, hide_addresses=privacy.hide))
        if not explanation.findings:
            return Rendered(_enforce(blocks + footer), header_fallback(explanation.headers))
    if not explanation.findings:
        blocks.append(section(escape(explanation.notice or "Nothing to explain.")))
        return Rendered(_enforce(blocks + footer), fallback_text(explanation, privacy))

    # room for the footer, a summary of what did not fit and a flood-count line added later
    reserve_blocks = len(footer) + 3
    reserve_chars = blocks_size(footer) + MAX_SECTION_CHARS // 2 + 400
    rest: list[Finding] = []
    for i, finding in enumerate(explanation.findings):
        if rest or i >= MAX_DETAILED_FINDINGS:
            rest.append(finding)
            continue
        candidate = ([divider()] if i else []) + _finding_blocks(finding, privacy, server_reply=i == 0)
        fits = (
            len(blocks) + len(candidate) + reserve_blocks <= MAX_BLOCKS
            and blocks_size(blocks) + blocks_size(candidate) + reserve_chars <= MAX_MESSAGE_CHARS
        )
        if fits or i == 0:
            blocks.extend(candidate)
        else:
            rest.append(finding)
    if rest:
        lines = "\n".join(_summary_line(f, privacy) for f in rest)
        blocks.append(divider())
        blocks.append(section(f"*Also found*\n{lines}"))
    return Rendered(_enforce(blocks + footer), fallback_text(explanation, privacy))


def _enforce(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Last line of defence: whatever was built, what leaves here is inside Slack's limits.

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
    return _enforce(copy.deepcopy(list(blocks)))


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
    return _enforce([*kept[:at], flood_line(count, last_seen), *kept[at:]])


def flood_fallback(text: str, count: int) -> str:
    return clip(f"{text} (seen {count} times)", MAX_FALLBACK_CHARS)
