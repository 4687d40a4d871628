"""A bounce as people paste it, for bench/bounce_variants.py: the text a mail client shows of it,
pasted as it is (the command line's stdin) or as Slack's Events API hands a message over.

The header block is gone from these pastes, and with it whatever only the header named.
"""

from __future__ import annotations

import html
import re

from bounce_forms import ORIGINAL_TYPES, STATUS_TYPES, Part, body_text, split

TAG_RE = re.compile(r"<[^>]*>")


def readable(text: str) -> str | None:
    """What a person copies from a mail client's view of the bounce: the text parts and the
    delivery-status fields a client shows inline, without the header block or returned original;
    of a multipart/alternative, the plain text."""
    root = split(text)
    shown: list[str] = []

    def visit(part: Part) -> None:
        if part.ctype in ORIGINAL_TYPES:
            return
        if part.ctype == "multipart/alternative" and part.children:
            plain = [c for c in part.children if c.ctype == "text/plain"]
            visit(plain[0] if plain else part.children[-1])
        elif part.children:
            for child in part.children:
                visit(child)
        elif part.ctype in ("text/plain", "text/html", *STATUS_TYPES):
            words = body_text(text, part)
            if words and part.ctype == "text/html":
                words = html.unescape(TAG_RE.sub("", re.sub(r"(?i)<br\s*/?>|</p>", "\n", words)))
            if words and words.strip():
                shown.append(words.strip("\n"))

    visit(root)
    return "\n\n".join(shown) if shown else None


# an address, a URL, or a host name under a common top-level domain, which Slack turns into links
LINKABLE_RE = re.compile(
    r"(?P<mail>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<url>https?://[^\s<>&|]+)"
    r"|(?<![\w.@/-])(?P<host>(?:[a-z0-9-]+\.)+(?:com|net|org|jp|de|uk|fr|io|edu|info|biz))(?![\w.-])",
    re.I,
)


def slack_encoded(text: str) -> str:
    """A message as Slack's Events API hands it over: &, < and > escaped, addresses, URLs and
    host names made links."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def link(m: re.Match[str]) -> str:
        if m.group("mail"):
            return f"<mailto:{m.group('mail')}|{m.group('mail')}>"
        if m.group("url"):
            return f"<{m.group('url')}>"
        return f"<http://{m.group('host')}|{m.group('host')}>"

    return LINKABLE_RE.sub(link, escaped)


SLACK_MAX_CHARS = 40_000  # Slack cuts a longer message


def pasted(text: str) -> str | None:
    return readable(text)


def slack_pasted(text: str) -> str | None:
    shown = readable(text)
    return slack_encoded(shown) if shown and len(shown) < SLACK_MAX_CHARS else None


def slack_fenced(text: str) -> str | None:
    shown = readable(text)
    if not shown or len(shown) >= SLACK_MAX_CHARS:
        return None
    return "got this back today, any idea?\n```" + slack_encoded(shown) + "```"


def slack_source(text: str) -> str | None:
    """The whole email ("show original") pasted in a code block."""
    try:
        source = text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return None  # 8-bit text in another charset: no mail client shows its source as it is
    if len(source) >= SLACK_MAX_CHARS:
        return None
    return "```" + slack_encoded(source) + "```"
