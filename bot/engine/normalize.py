"""Text clean-up shared by every input format: Slack's encoding, code fences, size limits."""

from __future__ import annotations

import re
import unicodedata

# Slack escapes &, < and > and wraps links, mentions and channels in <...>. Only a chat message
# needs these: they are sources, compiled on first use by re (which keeps them), not at import.
SLACK_MARKERS = r"&(?:lt|gt|amp);|<(?:mailto:|https?://|[@#!])"
SLACK_LINK = r"<(mailto:|https?://|[@#!])([^<>|\s]*)(?:\|([^<>]*))?>"
# Slack escapes every "<" it did not write itself: a text with another one was never encoded by
# Slack (an email's source, an HTML part), and its "&lt;" entities are the text's own.
UNESCAPED_ANGLE = r"<(?!mailto:|https?://|[@#!])"
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# ESC stays until MIME decoding: ISO-2022-JP bodies switch character sets with it.
CONTROL_BUT_ESC_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
SURROGATES = "[\ud800-\udfff]"

# A paste whose every line break came doubled (some web mail views and chat clients copy each line
# as a paragraph) has only even runs of line breaks; with at least this many runs it is halved back.
NEWLINE_RUN_RE = re.compile(r"\n+")
SINGLE_BREAK_RE = re.compile(r"[^\n]\n(?=[^\n])")  # found at the first line's end of most texts
MIN_DOUBLED_BREAKS = 8

# Work on at most this much of any one text; a longer paste is cut at a line boundary.
MAX_TEXT_CHARS = 256_000

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Typographic quotes come from web pages, word processors and phones' smart punctuation, never
# from an SMTP server: a pasted "doesn’t exist" is read as the server wrote it, "doesn't exist".
TYPOGRAPHIC_QUOTES = (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'))


def lower_keeping_positions(text: str) -> str:
    """`text` lower-cased so that a position found in the result is the same position in `text`.

    str.lower() makes a few characters longer ("\u0130" becomes two); only a text holding one
    falls back to lowering A to Z alone (a per-character table, many times slower than lower())."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(ASCII_LOWER)


def _slack_link(match: re.Match[str]) -> str:
    kind, target, label = match.groups()
    if kind == "mailto:":
        return label or target
    if kind.startswith("http"):
        if label == target:
            return label  # a host name Slack made a link of ("mx.example.net"): what was typed
        return kind + target if not label or label in target else f"{label} ({kind}{target})"
    if kind == "#":
        return f"#{label}" if label else ""
    return ""  # user mentions and <!here>-style specials carry no mail meaning


def decode_slack(text: str) -> str:
    """Undo Slack's message encoding; leave any other text as it is."""
    if not re.search(SLACK_MARKERS, text) or re.search(UNESCAPED_ANGLE, text):
        return text
    text = re.sub(SLACK_LINK, _slack_link, text)
    if "&" not in text:
        return text
    import html  # its entity table is large and only Slack's escapes need it

    return html.unescape(text)


def strip_markup(text: str) -> str:
    """Remove code fences and inline code ticks that people wrap pasted errors in."""
    if "`" not in text:
        return text
    text = text.replace("```", "\n")
    return text.replace("`", "")


def clean(text: str) -> tuple[str, bool]:
    """A message ready for parsing, and whether it was cut to MAX_TEXT_CHARS."""
    text, truncated = _cut(text)
    text = without_surrogates(_unix_newlines(text))
    text = plain_quotes(CONTROL_BUT_ESC_RE.sub(" ", text))
    return undouble_line_breaks(strip_markup(decode_slack(text))), truncated


def undouble_line_breaks(text: str) -> str:
    """A paste with every line break doubled, back as it was written: an email's header block
    ends at its first blank line, so a doubled paste would otherwise lose all but one header."""
    if "\n\n" not in text or SINGLE_BREAK_RE.search(text):
        return text
    runs = NEWLINE_RUN_RE.findall(text.strip("\n"))
    if len(runs) < MIN_DOUBLED_BREAKS or any(len(run) % 2 for run in runs):
        return text
    return NEWLINE_RUN_RE.sub(lambda run: "\n" * (len(run.group(0)) // 2), text)


# CONTROL_BUT_ESC_RE as a byte table: each of those bytes becomes a space
_CONTROL_BYTES_TO_SPACE = bytes(0x20 if CONTROL_BUT_ESC_RE.match(chr(b)) else b for b in range(256))


def clean_file(data: bytes) -> tuple[str, bool]:
    """A file's content ready for parsing, and whether it was cut to MAX_TEXT_CHARS.

    As clean() does for a message, but a file has no Slack encoding or code fences to undo, its
    control characters are replaced byte by byte before decoding (UTF-8 never uses those bytes
    inside a character, and a byte table is ten times faster than a regex over the text), and
    decoding leaves no lone surrogates.
    """
    text, truncated = _cut(decode_bytes(data.translate(_CONTROL_BYTES_TO_SPACE)))
    return plain_quotes(_unix_newlines(text)), truncated


def plain_quotes(text: str) -> str:
    """The text with typographic quotes as ASCII ones (TYPOGRAPHIC_QUOTES), each character for
    one, so positions stay; an ASCII text (str.isascii() costs nothing) is returned as it is.
    str.replace, not str.translate: a translate table is looked up for every character."""
    if text.isascii():
        return text
    for typographic, plain in TYPOGRAPHIC_QUOTES:
        text = text.replace(typographic, plain)
    return text


def _unix_newlines(text: str) -> str:
    # one scan for a carriage return first: most texts have none, and each replace() would read
    # the whole text twice (once to count, once to copy)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _cut(text: str) -> tuple[str, bool]:
    """At most MAX_TEXT_CHARS, cut at a line boundary if one is near the limit."""
    if len(text) <= MAX_TEXT_CHARS:
        return text, False
    cut = text.rfind("\n", 0, MAX_TEXT_CHARS)
    return text[: cut if cut > MAX_TEXT_CHARS // 2 else MAX_TEXT_CHARS], True


def without_surrogates(text: str) -> str:
    """The text with any lone surrogate (from a JSON escape or an undecodable argument) replaced
    by U+FFFD, so that every later step can encode it as UTF-8."""
    if text.isascii():
        return text
    return re.sub(SURROGATES, "\ufffd", text)


def fold(text: str) -> str:
    """Lower case with runs of white space folded to one space: the form phrases match against."""
    # str.split() and the regex class \s agree on what white space is; splitting is faster
    return " ".join(text.split()).lower()


def shorten(text: str, limit: int) -> str:
    text = " ".join(CONTROL_RE.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def decode_bytes(data: bytes) -> str:
    """Bytes from a file or an upload as text, never failing."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# A multi-line reply that Postfix (or a log) put on one line keeps every line's prefix inside it:
# "550-5.7.26 This ... 550-5.7.26 ... 550 5.7.26 ... - gsmtp". The first prefix opens the reply;
# the repeats of the same code (and status) after it are line prefixes, not words of the reply.
# The pattern begins with the code's digits and only then looks behind them for the start of the
# text or a separator (the "..." stands for the digits): one that begins with the separator is
# tried at every position, one that begins with a digit class skips to the next 2, 4 or 5.
INLINE_MULTILINE_RE = re.compile(
    r"([245]\d\d)(?<![^\s:;(\[]...)-(?:([245]\.\d{1,3}\.\d{1,3})(?=\s|$)[ \t]*)?"
)


UNFOLDED_LINE_END_RE = re.compile(r"\n(?![ \t])")
# What follows a repeated prefix's code (matched right after it): with a status, the status
# (compared with the opening one) and the blanks after it; without, "-" before a word, or the
# blanks before one, or the line's end. Fixed patterns: the code itself is found by plain search,
# so that no pattern is compiled for each code a reply quotes. Few texts repeat a prefix: these
# are sources, compiled on first use by re (which keeps them), not at import.
AFTER_CODE_STATUS = r"(?:-|\s+)([245]\.\d{1,3}\.\d{1,3})(?:[ \t]+|(?=\n)|$)"
AFTER_CODE = r"-(?=\S)|[ \t]+(?=\S)|(?=\n)|$"
# a status right after a repeated code whose opening had none, and the blanks after it
LATER_STATUS_RE = re.compile(r"([245]\.\d\.\d{1,3})(?:[ \t]+|(?=\n)|$)")


def without_inline_continuations(text: str) -> str:
    """The text with the repeated line prefixes of a flattened multi-line reply taken out."""
    if "-" not in text:
        return text
    m = INLINE_MULTILINE_RE.search(text)
    if m is None:
        return text
    code, status = m.groups()
    head, tail = text[: m.end()], text[m.end() :]
    # the reply's line and the lines folded under it (a bounce body wraps long lines with an indent)
    line_end = UNFOLDED_LINE_END_RE.search(tail)
    line, rest = (tail, "") if line_end is None else (tail[: line_end.start()], tail[line_end.start() :])
    if code not in line:
        return text
    line, repeats, later = _without_repeats(line, code, status)
    if not repeats:
        return text
    # the opening prefix then reads as the one-line reply it was: "550 5.7.26 a b c"; a status
    # that only a later line carried is the whole reply's ("550-Unrouteable address 550 5.1.1 ...")
    opening = head[: m.start(1)] + code + " " + (later + " " if later else "") + head[m.end(1) + 1 :]
    return opening + line + rest


def _without_repeats(line: str, code: str, status: str | None) -> tuple[str, int, str | None]:
    """The line with each repeat of the prefix replaced by a space, how many there were, and
    the status a repeat brought when the opening had none.

    A repeat is blanks, the code, then (with a status) the same status and the blanks after it,
    or (without one) "-" before a word, the blanks before a word, or the line's end. Repeats are
    taken from the left and do not overlap: the blanks one repeat ends with are not the next
    one's. Without a status, "550-" and "550 " after the opening "550-" are prefixes; with one, a
    fold may fall between the code and the status. Without one, the first status a repeat
    carries ("550 5.1.1 <a@b>" after "550-Unrouteable address") is taken out with it, as are
    later repeats of the same status: RFC 5321 §4.2.1 makes the lines one reply."""
    after_code = re.compile(AFTER_CODE_STATUS if status else AFTER_CODE)
    later = None  # the status a repeat carried, when the opening had none
    kept: list[str] = []
    done = 0  # where the text not yet copied to `kept` starts
    repeats = 0
    found = line.find(code)
    while found >= 0:
        start = found
        while start > done and line[start - 1] in " \t":
            start -= 1
        after = None
        if start < found:
            after = after_code.match(line, found + len(code))
            if after is not None and status and after.group(1) != status:
                after = None
        if after is None:
            found = line.find(code, found + 1)
            continue
        kept += (line[done:start], " ")
        done = after.end()
        if not status:
            carried = LATER_STATUS_RE.match(line, done)
            if carried is not None and later in (None, carried.group(1)):
                later, done = carried.group(1), carried.end()
        repeats += 1
        found = line.find(code, done)
    kept.append(line[done:])
    return "".join(kept), repeats, later


def text_width(text: str) -> int:
    """Columns the text takes, a wide character (a Chinese or Japanese ideograph, kana, a
    full-width form) counting two: one such character carries about as much as a short word,
    so "用户不存在" (user does not exist) is as specific as an 8-letter English phrase."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
