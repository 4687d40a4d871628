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
# Slack's quote markup at the start of a line, as a message's text carries it (escaped): "> " quotes
# the line, ">>> " everything after it.
_QUOTE_MARK_RE = re.compile(r"^(?:&gt;){1,3}[ \t]?", re.M)
# Mail addresses as people paste them: any script, full-width ＠ (U+FF20) and small ﹫ (U+FE6B) too.
_AT_RE = re.compile("[@\uff20\ufe6b]")
# What ends an unquoted local part, looking back from the @.
_LOCAL_PART_STOPS = frozenset(' \t\r\n<>()[]{}\\,;:"@\uff20\ufe6b\u3000')
QUOTED_LOCAL_PART_CHARS = 300
# A domain: labels of letters, digits and hyphens in any script, separated by ASCII, full-width or
# ideographic full stops; or an address literal such as [192.0.2.1] or [IPv6:2001:db8::1].
_DOMAIN_RE = re.compile(r"\[[^\]\s]{1,100}\]|[\w-]+(?:[.\uff0e\u3002][\w-]+)+")
# A host name (RFC 1123 labels, IDN allowed) or an IP address: what a "remote server" may be.
_HOST_LABEL_RE = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
_IP_RE = re.compile(r"[0-9A-Fa-f:.]{2,45}")
HIDDEN_LOCAL_PART = "…"
# JSON may carry an escaped half of a surrogate pair; such text cannot be encoded as UTF-8 (Redis, logs).
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def plain_text(text: str | None) -> str:
    """What the user pasted, from Slack's markup: links become their text, mentions disappear,
    quote marks at the start of a line go, and the `&lt;` `&gt;` `&amp;` escapes are undone
    (bounces are full of <addresses>). A `>` the user typed arrives escaped as `&gt;`, so one at
    the start of a line is Slack's quote, not text that was pasted."""
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
    text = _without_quote_marks(text) if "&gt;" in text else text
    return html.unescape(_SLACK_MARKUP_RE.sub(unwrap, text))


def _without_quote_marks(text: str) -> str:
    """Slack's quote marks taken out, except inside ``` code blocks: there a line that starts
    with ">" (a Sendmail transcript's ">>> RCPT TO:<a@b>") is what was pasted."""
    if "```" not in text:
        return _QUOTE_MARK_RE.sub("", text)
    pieces = text.split("```")
    # the pieces between an opening and a closing fence are the code blocks
    return "```".join(piece if i % 2 else _QUOTE_MARK_RE.sub("", piece) for i, piece in enumerate(pieces))


def escape(text: str) -> str:
    """Text safe to put in mrkdwn: no accidental links, mentions or <!channel>."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str | None) -> str:
    """Inline code that cannot be broken out of: text from the input shows as typed, never as mrkdwn,
    a link or a mention. Empty for empty text."""
    if not text:
        return ""
    return "`" + escape(text.replace("`", "ˋ").replace("\n", " ").replace("\r", " ")) + "`"


def host_name(value: str | None) -> str | None:
    """`value` when it is a host name or an IP address (brackets dropped), else None: a remote server
    named by the input (DSN Remote-MTA, SES remoteMtaIp, Mailgun mx-host) is echoed only if it is one."""
    if not value:
        return None
    host = value.strip().strip("[]").removeprefix("IPv6:").rstrip(".")
    if not host or len(host) > 253:
        return None
    if ":" in host or host.replace(".", "").isdigit():
        return host if _IP_RE.fullmatch(host) else None
    labels = host.split(".")
    return host if all(_HOST_LABEL_RE.fullmatch(label) for label in labels) else None


def mask_addresses(text: str) -> str:
    """`ana@example.com` -> `…@example.com`: the domain helps diagnose, the person stays private.

    Linear in the text: every @ looks back only to the previous stop (a space, a bracket, another @),
    so no character is read twice. Local parts of any length and script, quoted local parts
    ("ana lima"@...), full-width ＠ and domains in any script or as [address literals] are masked.
    """
    out: list[str] = []
    done = 0  # text[:done] is in `out`
    for at in _AT_RE.finditer(text):
        domain = _DOMAIN_RE.match(text, at.end())
        if domain is None:
            continue
        start = _local_part_start(text, at.start(), done)
        if start == at.start():
            continue
        out.append(text[done:start])
        out.append(HIDDEN_LOCAL_PART)
        done = at.start()
    out.append(text[done:])
    return "".join(out)


def _local_part_start(text: str, at: int, floor: int) -> int:
    """Where the local part before the @ at `at` begins (`at` itself when there is none)."""
    if at > floor and text[at - 1] == '"':
        opening = text.rfind('"', max(floor, at - 1 - QUOTED_LOCAL_PART_CHARS), at - 1)
        if opening >= 0:
            return opening
    start = at
    while start > floor and text[start - 1] not in _LOCAL_PART_STOPS:
        start -= 1
    return start


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
