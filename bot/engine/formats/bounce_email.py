"""A bounce email read once: its own headers, report parts, readable body and returned original.

Every email format (jsonbounce for mailed notifications, arf, dsnmail, autoreply, plainbounce)
works on the same `Message`; `read` keeps the last few, so that each format's `detect` and
`parse` cost one MIME parse between them. A report's body pasted without its email (pasteddsn,
pastedreport) is read into a `Message` too, by `pasted`.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from ..address import find_mailboxes
from ..normalize import lower_keeping_positions
from . import html_text, mime_reader

# A header field name at the start of a line, searched from its line break: a pattern that
# begins with a plain character lets the regex engine jump from one line break to the next. Case
# is ignored by the regex rather than by lower-casing the header block first: the search stops
# at the field that settles it, most often on the second line, where lower-casing read the whole
# block of up to 6,000 characters for every email.
HEADER_LINE_RE = re.compile(
    r"\n(?:from|to|subject|date|received|return-path|message-id|mime-version|content-type"
    r"|delivered-to|reply-to|auto-submitted|dkim-signature|authentication-results|x-[\w-]+"
    r"|arc-[\w-]+|sender|envelope-to|content-transfer-encoding|references|in-reply-to)"
    r":",
    re.I,
)
HEADER_BLOCK_CHARS = 6000
HEADER_BLOCK_LINES = 60
# Words on a separator line where a bounce body starts quoting the original message.
ORIGINAL_MARKERS = (
    "original message",
    "copy of the message",
    "copy of your message",
    "returned message",
    "below this line is a copy",
    "undelivered message",
    "headers of the original",
    "original message headers",
    "message header",
    "message follows",
    "unsent message",
    "unsent mail",
    "content-type: message/rfc822",
)
SEPARATOR_LINE_RE = re.compile(r"^[ \t]*[-=*_#<>]{0,40}[ \t]*[\w ,:/()'.-]{0,80}[-=*_#<>]*[ \t]*$")
SEPARATOR_EDGE_RE = re.compile(r"^[-=*_#<>]{2,}|[-=*_#<>]{2,}$")
ORIGINAL_TYPES = frozenset(
    {
        "message/rfc822",
        "text/rfc822-headers",
        "message/rfc822-headers",
        "message/global",
        "message/global-headers",
        "text/rfc822-header",
    }
)
STATUS_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
FEEDBACK_TYPE = "message/feedback-report"
HINT_HEADERS = ("from", "subject", "x-mailer", "x-mlserver", "x-failed-recipients", "received")
# Header fields the formats read from the bounce itself, besides those that hint at a provider.
OWN_HEADERS = (
    *HINT_HEADERS,
    "to",
    "return-path",
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-autoresponse",
    "precedence",
    "x-precedence",
    "x-apple-action",
    "x-ms-exchange-inbox-rules-loop",
)
MAX_ORIGINAL_CHARS = 16_000
MAX_PART_CHARS = 64_000
ENCODINGS = ("base64", "quoted-printable")  # transfer encodings that hide a part's words
MAIL_FROM = "mail from:"  # an SMTP transcript's command naming the envelope sender (lower case)
MAX_NAMED_SENDERS = 3


@functools.lru_cache(maxsize=4)
def looks_like_email(text: str) -> bool:
    """A header block at the start: two or more known fields, the first line one of them."""
    # the header block (up to a blank line) in the first 6,000 characters, at most 60 lines
    stripped = text.lstrip()
    end = stripped.find("\n\n", 0, HEADER_BLOCK_CHARS)
    block_end = end if end >= 0 else HEADER_BLOCK_CHARS
    line_end = stripped.find("\n", 0, block_end)
    first_line = stripped[: line_end if line_end >= 0 else block_end]
    first = HEADER_LINE_RE.match("\n" + first_line) is not None
    # a known first line and one more field settle it, as do four more fields without one: the
    # search stops there, most often within the first lines
    needed = 1 if first else 4
    later = list(itertools.islice(HEADER_LINE_RE.finditer(stripped, 0, block_end), needed))
    # a field after the 59th line break is past the block's 60th line
    while later and stripped.count("\n", 0, later[-1].start()) >= HEADER_BLOCK_LINES - 1:
        later.pop()
    return len(later) == needed


def body_before_original(text: str) -> str:
    """Cut a bounce body where it starts quoting the message that bounced."""
    lowered = lower_keeping_positions(text)
    cut = len(text)
    for marker in ORIGINAL_MARKERS:
        pos = lowered.find(marker, 40)
        while 0 <= pos < cut:
            start = lowered.rfind("\n", 0, pos) + 1
            end = lowered.find("\n", pos)
            line = text[start : end if end >= 0 else len(text)]
            if _is_separator(line, marker):
                cut = start
                break
            pos = lowered.find(marker, pos + 1)
    return text[:cut]


def _is_separator(line: str, marker: str) -> bool:
    """A line that introduces the quoted original: dashes or the like around it, a closing colon,
    or the marker alone. A sentence that merely mentions "the attached returned message" is not."""
    stripped = line.strip()
    if len(line) >= 100 or not SEPARATOR_LINE_RE.match(line):
        return False
    return bool(
        SEPARATOR_EDGE_RE.search(stripped)
        or stripped.endswith(":")
        or stripped.lower().strip(" .:") in (marker, f"{marker} follows", f"{marker} below")
        or stripped.lower().startswith("content-type:")
    )


@dataclass(frozen=True, slots=True)
class Message:
    """What the email formats need from a bounce, read in one walk over its MIME tree."""

    headers: dict[str, str]  # OWN_HEADERS of the top part, names in lower case
    report_type: str  # multipart/report's report-type parameter, lower case, or ""
    status_texts: tuple[str, ...]  # message/delivery-status parts
    feedback_texts: tuple[str, ...]  # message/feedback-report parts (RFC 5965)
    body: str  # the readable parts, each cut where it starts quoting the original
    original: str  # the returned original message or its headers, when attached
    # the readable parts sent in base64 or quoted-printable, uncut: where the raw text shows
    # only their encoding, the addresses they quote are read here; "" for most bounces
    decoded: str = ""

    @property
    def header_text(self) -> str:
        """The bounce's own hint headers as one line, for telling which provider sent it."""
        return " ".join(f"{k}: {self.headers[k]}" for k in HINT_HEADERS if k in self.headers)

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@functools.lru_cache(maxsize=4)
def read(text: str) -> Message:
    """The bounce's parts by role; the formats detect and parse on the same cached reading."""
    root = mime_reader.parse(text, OWN_HEADERS)
    # read only for a part whose bytes do not fit its label (or that has none)
    named = functools.partial(mime_reader.named_charset, text)
    report_type = (root.param("report-type") or "").lower() if root.content_type == "multipart/report" else ""
    status_texts: list[str] = []
    feedback_texts: list[str] = []
    bodies: list[str] = []
    decoded: list[str] = []
    originals: list[str] = []
    stack = [root]
    while stack:
        part = stack.pop()
        ctype = part.content_type
        if ctype in ORIGINAL_TYPES:
            originals.append(part.text(named)[:MAX_ORIGINAL_CHARS])
        elif ctype in STATUS_TYPES:
            status_texts.append(part.text(named))
        elif ctype == FEEDBACK_TYPE:
            feedback_texts.append(part.text(named))
        elif part.parts:
            stack.extend(reversed(_shown(part)))
        elif ctype.startswith("text/") or not part.headers.get("content-type"):
            body = part.text(named)[:MAX_PART_CHARS]
            if ctype == "text/html":
                body = html_text.visible_text(body)
            bodies.append(body_before_original(body))
            if part.headers.get("content-transfer-encoding", "").strip().lower() in ENCODINGS:
                decoded.append(body)
    headers = {name: mime_reader.decode_words(value) for name, value in root.headers.items()}
    return Message(
        headers=headers,
        report_type=report_type,
        status_texts=tuple(status_texts),
        feedback_texts=tuple(feedback_texts),
        body="\n\n".join(bodies),
        original="\n\n".join(originals),
        decoded="\n\n".join(decoded),
    )


def _shown(part: mime_reader.Part) -> list[mime_reader.Part]:
    """The sub-parts to read: of a multipart/alternative (one text written twice, RFC 2046
    section 5.1.4), the plain text alone when it has any; of another multipart, all of them."""
    if part.content_type != "multipart/alternative":
        return part.parts
    plain = [sub for sub in part.parts if sub.content_type == "text/plain" and sub.body.strip()]
    return plain[:1] or part.parts


@functools.lru_cache(maxsize=4)
def pasted(text: str) -> Message:
    """A report's body pasted without its header block, read as the body of a bounce: its
    report up to where it quotes the original, and the original after that. The Return-Path
    the header block would have given (the sender, whom the bounce goes back to and who is
    never a failed recipient) is what the paste names as the envelope sender. Kept like
    `read`'s, so that pastedreport's `detect` and `parse` read a paste once."""
    body = text[:MAX_PART_CHARS]
    report = body_before_original(body)
    original = body[len(report) :][:MAX_ORIGINAL_CHARS]
    senders = named_senders(report, original)
    return Message(
        headers={"return-path": " ".join(senders)} if senders else {},
        report_type="",
        status_texts=(),
        feedback_texts=(),
        body=report,
        original=original,
    )


def named_senders(report: str, original: str) -> list[str]:
    """The envelope sender as a pasted bounce names it: after MAIL FROM in the report's SMTP
    transcript ("--> MAIL From:<a@b>", Exim's "after MAIL FROM:<a@b>"), or in the Return-Path
    and From of the original it quotes after its separator line."""
    found: list[str] = []
    lowered = report.lower()
    pos = lowered.find(MAIL_FROM)
    while pos >= 0 and len(found) < MAX_NAMED_SENDERS:
        start = pos + len(MAIL_FROM)
        line_end = lowered.find("\n", start)
        found.extend(a for _, a in find_mailboxes(report[start : line_end if line_end >= 0 else None], 1))
        pos = lowered.find(MAIL_FROM, start)
    quoted = original.split("\n", 1)[1].lstrip("\n") if "\n" in original else ""
    headers, _ = mime_reader.split_headers(quoted, ("return-path", "from"))
    for field in ("return-path", "from"):
        found.extend(a for _, a in find_mailboxes(headers.get(field, ""), 1))
    return list(dict.fromkeys(a.lower() for a in found))


def searchable(text: str, message: Message) -> str:
    """The email as text to look for addresses in: its raw text, and the words of the parts
    whose transfer encoding hides them there."""
    return f"{text}\n\n{message.decoded}" if message.decoded else text


def read_email(text: str) -> Message | None:
    """The reading of an email, or None for any other text."""
    return read(text) if looks_like_email(text) else None
