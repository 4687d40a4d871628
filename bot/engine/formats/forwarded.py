"""A bounce that a person forwarded: the report inside, found so that the formats read it instead.

People bring a bounce to smtpbot by forwarding it ("see below, why did this fail?") or pasting it.
The person's own message names the person, their colleagues and their question, never the failed
recipient, so a forwarded bounce is read as the bounce it carries. The rule:

- the outer text is not itself a report: no multipart/report, no delivery-status or feedback
  part, no X-Failed-Recipients, and not sent by a mail system (a bounce quoting its original is
  never unwrapped, whatever that original says);
- and it carries a message that looks like a delivery report, either
  - attached: a message/rfc822 (or message/global) part, or an attached `.eml` file, whose own
    headers make it a report: a multipart/report, a delivery-status part, X-Failed-Recipients,
    a mail system's From (MAILER-DAEMON, postmaster, Mail Delivery ...) or a Subject that
    speaks of failure or delay; or that software sent (a null Return-Path, Auto-Submitted other
    than "no", an auto-reply, a sending service's notification); or that itself forwards a
    report by this rule; or
  - quoted in a reply, under the client's attribution line ("On 2 Feb 2011, Mail Delivery
    System wrote:", "Postmaster@example.com wrote:") with "> " before every line: the
    attribution names a mail system, or the reply's Subject speaks of failure or delay and the
    quoted lines frame a report; or
  - inline, after a mail client's forward separator (Gmail's "---------- Forwarded message
    ---------", Outlook's "-----Original Message-----" or its "From: / Sent: / To: / Subject:"
    block, Apple Mail's "Begin forwarded message:", Thunderbird's "-------- Forwarded Message
    --------"): the header lines that follow (From, Date, Subject, To, in any order, and the
    tab-separated table Thunderbird writes) make it a report by the same test, or its body holds
    delivery-status fields.

`inner_report(text)` returns the inner report as an email of its own (the forwarded header lines,
a blank line, then the body), or None. `formats.read` reads that instead of the text, and falls
back to the text when the inner report yields nothing.
"""

from __future__ import annotations

import functools
import re

from . import autoreply, bounce_email, dsn, html_text, jsonbounce, mime_reader
from .reportwords import DELAY_WORDS, REPORT_WORDS, REPORTING_SENDERS, frames_report, speaks_of_report

# Forward separators, searched in the text as it stands (mail clients write them so).
FORWARD_MARKERS = (
    "Forwarded message",  # Gmail: "---------- Forwarded message ---------"
    "Forwarded Message",  # Thunderbird: "-------- Forwarded Message --------"
    "Original Message",  # Outlook: "-----Original Message-----"
    "Begin forwarded message",  # Apple Mail
    "\nSent: ",  # Outlook's header block after a rule line: "From: ... / Sent: ... / To: ..."
)
# The words of a separator line (lower case); the rest of the line is dashes, spaces or a colon.
SEPARATOR_WORDS = ("forwarded message", "original message", "begin forwarded message")
SEPARATOR_PUNCTUATION = frozenset(" \t-_:*>")
# A forwarded header line: "From: ...", "*From:* ..." (Gmail's HTML made text), "From:\t..."
# (Thunderbird's table), with an optional quote prefix. The source is compiled
# on first use by re (which keeps it): only a text with a forward's marks reads them.
FORWARDED_FIELD = r"(?i)^[ \t>]*\*?(from|sent|date|to|cc|subject|reply-to)\*?:\*?[ \t]*(.*)$"
MAX_FIELD_LINES = 12
MAX_BLOCKS = 8  # forward blocks looked at in one text: a thread quotes a few, a hostile text thousands
STATUS_LINES = 200  # how far into a forwarded body delivery-status fields are looked for
MAX_SCAN_CHARS = 64_000
# The first field of a pasted email's header block (searched in "\n" + text, case as written),
# and how far into a paste the email may start.
# A source, not a compiled pattern: a bounce email is read as one before a forward in it is
# looked for, so re compiles it (and keeps it in its cache) on first use, not at import.
HEADER_START = (
    r"\n(?:From|Return-Path|Received|Delivered-To|Date|Subject|To|Message-ID|MIME-Version|X-[\w-]+): "
)
# A reply's attribution line, the quoted text under it: "On <date>, <name> wrote:" and the
# same in the languages mail clients write it (a source, compiled on first use by re).
ATTRIBUTION = (
    r"(?im)^(?![ \t]*>)(.{0,200}?)[ \t]*(?:wrote|writes|a écrit|schrieb|escribió|ha scritto|escreveu"
    r"|schreef|napisał\(a\)|napisał|skrev|написал\(а\)|написал)[ \t]*:[ \t]*$"
)
# What a reply's Subject starts with, taken off to give the quoted message's own
REPLY_PREFIX = r"(?i)^(?:(?:re|aw|sv|vs|antw|odp|r|rif|res|ynt)(?:\[\d+\])?:[ \t]*)+"
MAX_WORDS_BEFORE = 2000
MAX_LEVELS = 3  # forwards of forwards looked into (a hostile text may nest thousands)
ATTACHED_TYPES = frozenset({"message/rfc822", "message/global"})
SUBJECT_WORDS = (*REPORT_WORDS, *DELAY_WORDS, "returned", "failure", "delayed", "could not send", "warning")


def inner_report(text: str, levels: int = MAX_LEVELS) -> str | None:
    """The delivery report a person forwarded (attached or inline), as an email, or None; an
    attached forward of a forward is looked into `levels` deep."""
    message = bounce_email.read_email(text)
    if message is None:
        found = _inline_report(text[:MAX_SCAN_CHARS]) if _has_marker(text) else None
        return found or _pasted_after_words(text)
    if _is_report(message):
        return None
    quoted = functools.partial(
        _quoted_report, message.body[:MAX_SCAN_CHARS], message.header("subject"), message.header("from")
    )
    if not _forwards_something(text, message):
        return quoted()
    for part in _parts(mime_reader.parse(text)):
        if part.content_type in ATTACHED_TYPES or (part.param("name") or "").lower().endswith(".eml"):
            inner = part.text().lstrip()
            attached = bounce_email.read_email(inner)
            if attached is not None and (
                _is_report(attached)
                or _says_report(attached.headers)
                or _is_automatic(attached, inner)
                or (levels > 1 and inner_report(inner, levels - 1) is not None)
            ):
                return inner  # a report, or a forward of one: formats.read unwraps it in turn
        elif part.content_type in ("text/plain", "text/html"):
            body = part.text()[:MAX_SCAN_CHARS]
            if part.content_type == "text/html":
                body = html_text.visible_text(body)
            found = _inline_report(body) if _has_marker(body) else None
            if found:
                return found
    return quoted()


def _quoted_report(body: str, subject: str, replier: str) -> str | None:
    """A report quoted in a reply: the lines with "> " under an attribution line, unquoted, as
    an email from the name the attribution gives to the person replying (the report went back
    to them), when that name is a mail system's or the reply's Subject and the quoted lines
    speak of a failed or delayed delivery."""
    if "\n>" not in body:
        return None  # most emails quote nothing
    subject = re.sub(REPLY_PREFIX, "", " ".join(subject.split()))
    for tried, match in enumerate(re.finditer(ATTRIBUTION, body)):
        if tried >= MAX_BLOCKS:
            break
        lines = body[match.end() :].split("\n")[1:]
        while lines and not lines[0].strip():
            lines.pop(0)
        quoted = []
        for line in lines:
            if not line.lstrip().startswith(">") and line.strip():
                break
            quoted.append(line)
        block = "\n".join(_unquoted(quoted)).strip("\n")
        name = match.group(1).rsplit(",", 1)[-1].strip()
        if not block or not (
            _from_mail_system(name)
            or (any(w in subject.lower() for w in SUBJECT_WORDS) and frames_report(block[:MAX_WORDS_BEFORE]))
        ):
            continue
        return f"From: {name}\nTo: {replier}\nSubject: {subject}\n\n{block}\n"
    return None


def _pasted_after_words(text: str) -> str | None:
    """A bounce pasted with the person's words before it ("what does this mean?"): the email
    from the first header line that starts a header block, when that email is a report."""
    match = re.search(HEADER_START, "\n" + text[:MAX_WORDS_BEFORE])
    if match is None or _returned_by_report(text[: match.start()]):
        return None
    pasted = text[match.start() :]
    message = bounce_email.read_email(pasted)
    if message is not None and (_is_report(message) or _says_report(message.headers)):
        return pasted
    return None


def _returned_by_report(before: str) -> bool:
    """Whether the words before a header block are a report's, ending in its separator line
    ("--- Below this line is a copy of the message."): then the header block is the original
    the report returns, however much its From (a postmaster's test) or Subject ("DISK
    WARNING") looks like a report's own, and not a bounce pasted after a person's words."""
    report = bounce_email.body_before_original(before)
    if len(report) >= len(before.rstrip()):
        return False
    return speaks_of_report(report[:MAX_WORDS_BEFORE])


def _forwards_something(text: str, message: bounce_email.Message) -> bool:
    """Cheap: an attached message, or a forward marker in the raw text or in a part whose
    transfer encoding hides it there (most emails have neither)."""
    return bool(message.original) or _has_marker(text) or ".eml" in text or _has_marker(message.decoded)


def _is_automatic(message: bounce_email.Message, text: str) -> bool:
    """Mail that software sent about another message: the null reverse path that RFC 5321
    section 4.5.5 gives every report, an Auto-Submitted field other than "no" (RFC 3834), an
    auto-reply, or a sending service's notification. Forwarded, it is what the person asks about."""
    if message.header("return-path").strip() == "<>":
        return True
    submitted = message.header("auto-submitted").strip().lower()
    if submitted and submitted != "no":
        return True
    return autoreply.detect(text) or jsonbounce.detect(text)


def _has_marker(text: str) -> bool:
    head = text[:MAX_SCAN_CHARS]
    return any(marker in head for marker in FORWARD_MARKERS)


def _parts(root: mime_reader.Part) -> list[mime_reader.Part]:
    """The leaves of a MIME tree in order (an attached message is a leaf: it stays unparsed)."""
    leaves: list[mime_reader.Part] = []
    stack = [root]
    while stack:
        part = stack.pop()
        if part.parts:
            stack.extend(reversed(part.parts))
        else:
            leaves.append(part)
    return leaves


def _is_report(message: bounce_email.Message) -> bool:
    """The structure of a report, or a mail system as its sender."""
    if message.report_type or message.status_texts or message.feedback_texts:
        return True
    if message.header("x-failed-recipients"):
        return True
    return _from_mail_system(message.header("from"))


def _says_report(headers: dict[str, str]) -> bool:
    """A Subject that speaks of a failed or delayed delivery, or a mail system as the sender."""
    subject = " ".join(headers.get("subject", "").lower().split())
    return _from_mail_system(headers.get("from", "")) or any(w in subject for w in SUBJECT_WORDS)


def _from_mail_system(sender: str) -> bool:
    """A sender that names a mail system: MAILER-DAEMON, postmaster, "Mail Delivery System";
    an underscore inside the name is no difference ("post_master@...")."""
    sender = sender.lower().replace("_", "")
    return any(name in sender for name in REPORTING_SENDERS)


def _inline_report(text: str) -> str | None:
    """The first forwarded block whose header lines or body make it a delivery report."""
    lines = text.split("\n")
    tried = 0
    for index, line in enumerate(lines):
        if not _opens_block(lines, index, line):
            continue
        start = index + 1 if _is_separator(line) else index
        fields, body_start = _forwarded_fields(lines, start)
        if "from" not in fields and "subject" not in fields:
            continue
        tried += 1
        if tried > MAX_BLOCKS:
            break
        start_of_body = "\n".join(_unquoted(lines[body_start : body_start + STATUS_LINES]))
        if _says_report(fields) or dsn.looks_like_dsn(start_of_body):
            head = "\n".join(f"{name.title()}: {value}" for name, value in fields.items() if name != "sent")
            body = "\n".join(_unquoted(lines[body_start:]))
            return f"{head}\n\n{body.lstrip(chr(10))}"
    return None


def _opens_block(lines: list[str], index: int, line: str) -> bool:
    """A forward separator line, or Outlook's bare "From:" line followed by "Sent:"."""
    if _is_separator(line):
        return True
    field = re.match(FORWARDED_FIELD, line)
    if field is None or field.group(1).lower() != "from" or index + 1 >= len(lines):
        return False
    following = re.match(FORWARDED_FIELD, lines[index + 1])
    return following is not None and following.group(1).lower() == "sent"


def _is_separator(line: str) -> bool:
    """A line of one separator phrase between dashes: "---------- Forwarded message ---------"."""
    lowered = line.lower()
    if len(line) >= 100:
        return False
    return any(
        words in lowered and set(lowered.replace(words, "", 1)) <= SEPARATOR_PUNCTUATION
        for words in SEPARATOR_WORDS
    )


def _forwarded_fields(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """The header lines after a separator (blank lines before them skipped), and where the
    forwarded body starts."""
    index = start
    while index < len(lines) and not lines[index].strip(" \t>"):
        index += 1
    fields: dict[str, str] = {}
    # at most MAX_FIELD_LINES lines, repeated names included: a text of nothing but "From:" and
    # "Sent:" lines must not be read to its end from every block it seems to open
    end = min(len(lines), index + MAX_FIELD_LINES)
    while index < end:
        field = re.match(FORWARDED_FIELD, lines[index])
        if field is None:
            break
        fields.setdefault(field.group(1).lower(), field.group(2).strip().strip("*").strip())
        index += 1
    return fields, index


def _unquoted(lines: list[str]) -> list[str]:
    """The forwarded body without the "> " a client put before every line, when it did so."""
    written = [line for line in lines if line.strip()]
    if written and all(line.lstrip().startswith(">") for line in written):
        return [line.lstrip()[1:].removeprefix(" ") if line.strip() else line for line in lines]
    return lines
