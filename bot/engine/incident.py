"""An incident: one failure as the input describes it, before the knowledge base explains it."""

from __future__ import annotations

import re

from .address import find_mailboxes, follows_header_field, in_failure_context, is_reporting_address, mailbox
from .codes import (
    REPLY_CLASSES,
    REPLY_RE,
    enhanced_codes,
    first,
    is_strong_reply,
    reads_as_a_number,
    reply_codes,
)
from .guarded_pattern import GuardedPattern
from .normalize import without_inline_continuations
from .own_result import own_result

# Exchange's wrapper around a remote reply: "<#5.7.520 smtp; 550 ..." or Exchange 2003's
# "#< #5.0.0 smtp; 550 ..."; the reply code must follow right after "smtp;"
WRAPPED_REPLY_RE = re.compile(r"<\s?#\s?[245]\.\d{1,3}\.\d{1,3} smtp;\s?(?=[245][0-5]\d\b)", re.I)

# Postfix's pipe(8) and local(8) report a delivery command's exit status ("Command died with status
# 77: ..."). Codes from <sysexits.h> say how the delivery ended: Postfix's sys_exits table maps
# EX_OSERR (71) and EX_TEMPFAIL (75) to 4.3.0 (deferred) and the other codes 64-78 to 5.x.x
# (bounced). Other numbers are a program's own and say nothing either way.
# The regex begins with no character the regex engine can skip to: it runs only on the few
# texts that hold its words.
EXIT_STATUS_RE = GuardedPattern(
    r"\bcommand died with status (\d{1,3})\b", re.I, needles=("command died with status ",)
)
SYSEXITS = range(64, 79)
TEMPORARY_SYSEXITS = frozenset({71, 75})
# Chinese notices call a bounce "退信" (a returned letter: QQ Mail's "退信原因：...", a host's
# "[退信] ..." label), Vietnamese ones "thư (bị) trả về" (returned mail) or "lỗi trả lại" (bounce
# error). The words are written only on a message that came back to its sender, so a text that
# says them and carries no code reports a failed delivery, as an exit status would.
RETURNED_RE = re.compile("退信|thư (?:bị )?trả về|lỗi trả lại", re.I)
# A console's status field for the message ("Delivery status: Deferred" in Google's Email Log
# Search, "Status: Bounced" in a sending service's activity feed) says what became of it when no
# code does.
STATUS_FIELD_RE = re.compile(r"\bstatus[ \t]*:[ \t]*(deferred|delayed|bounced|failed)\b", re.I)
# The verdict after an address that Postfix's sender restrictions write (reject_unknown_sender_domain,
# reject_sender_login_mismatch, check_sender_access): the address is the sender's.
SENDER_REFUSED_RE = re.compile(r">?:?[ \t]*sender address rejected\b")
# an address the reply gives for help, not the one that failed: "For assistance forward this email
# to abuse_rbl@abuse-att.net", "please contact postmaster@example.net", "write to abuse@..."
HELP_WORDS = ("forward", "report", "complain", "write", "contact")
HELP_ADDRESS_BEFORE = (
    r"(?:\b(?:forward\w*|report\w*|complain\w*|write)\b[^.@\n]{0,30}\bto|\bcontact(?:\s+us)?(?:\s+at|\s+via)?)"
    r"[ \t]*(?:mailto:)?[<(\"']?$"
)


def implied_action(text: str) -> str | None:
    """Say "failed" or "delayed" when the text reports a delivery command's sysexits status,
    "failed" when it calls itself a returned message (RETURNED_RE), or what its status field
    says (STATUS_FIELD_RE)."""
    m = EXIT_STATUS_RE.search(text, text.lower())
    code = int(m.group(1)) if m else 0
    if code not in SYSEXITS:
        if RETURNED_RE.search(text):
            return "failed"
        field = STATUS_FIELD_RE.search(text) if "tatus" in text else None  # "Status", "status"
        return None if field is None else "delayed" if field.group(1).lower()[0] == "d" else "failed"
    return "delayed" if code in TEMPORARY_SYSEXITS else "failed"


class Incident:
    """One failure as the input states it: the common record every format returns, one per
    failed recipient (recipient, action, status, reply code, diagnostic text, remote MTA, SMTP
    phase and the kind of report it came from).

    The engine fills in `recipient`, `remote_mta`, `context` and `reply_code` as it learns more,
    so it is mutable.
    """

    __slots__ = (
        "action",
        "context",
        "enhanced_code",
        "kind",
        "local_mailer",
        "phase",
        "recipient",
        "remote_mta",
        "reply_code",
        "report",
        "strong_code",
        "structured",
        "text",
    )

    def __init__(
        self,
        text: str,  # the server's diagnostic, or the paragraph that carries it
        kind: str,  # where it came from: text, smtp, log, dsn, email, json
        reply_code: str | None = None,
        enhanced_code: str | None = None,
        recipient: str | None = None,
        remote_mta: str | None = None,
        action: str | None = None,  # failed, delayed, delivered, relayed, expanded
        context: str = "",  # nearby text to consult when `text` alone matches nothing
        structured: bool = False,  # came from a bounce format: a mail failure by construction
        strong_code: bool = False,  # a code used the way SMTP uses it
        local_mailer: bool = False,  # a local delivery program failed (Diagnostic-Code: X-Unix)
        report: str = "bounce",  # the kind of report: bounce, feedback (RFC 5965), autoreply (RFC 3834)
        phase: str | None = None,  # the SMTP phase, when the format states it
    ) -> None:
        self.text = without_inline_continuations(text)
        self.kind = kind
        self.reply_code = reply_code
        self.enhanced_code = enhanced_code
        self.recipient = recipient
        self.remote_mta = remote_mta
        self.action = action
        self.context = context
        self.structured = structured
        self.strong_code = strong_code
        self.local_mailer = local_mailer
        self.report = report
        self.phase = phase

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Incident({fields})"


# Where a text names the recipient, most explicit first. Each pattern is linear: bounded
# character classes that cannot overlap what follows them, and no pattern at line ends that
# could be retried from every position of a long line.
RECIPIENT_RES = (
    GuardedPattern(r"RCPT TO:?[ \t]*<([^<>\s]{1,254})>", re.I, needles=("rcpt to",)),
    GuardedPattern(
        r"(?:Final-Recipient|Original-Recipient|Original-Rcpt-To):"
        r"[ \t]*(?:rfc822;)?[ \t]*<?([^<>\s;]{1,254})",
        re.I,
        needles=("final-recipient:", "original-rcpt-to:", "original-recipient:"),
    ),
    GuardedPattern(r"\bto=<([^<>\s]{1,254})>", re.I, needles=("to=<",)),
    GuardedPattern(
        r"X-Failed-Recipients:[ \t]*<?([^<>\s,;]{1,254})", re.I, needles=("x-failed-recipients:",)
    ),
)
MAX_CANDIDATES = 20
MAX_LINES_READ = 200
LEADING_ENDS = frozenset(" \t>:,;(")
REMOTE_MTA_RES = (
    GuardedPattern(r"Remote-MTA:\s*(?:dns;)?\s*\[?([\w.-]+)", re.I, needles=("remote-mta:",)),
    GuardedPattern(r"\bhost\s+([\w-]+(?:\.[\w-]+)+)\.?\s*\[[\d.:a-f]+\]", re.I, needles=("host",)),
    GuardedPattern(r"\brelay=([\w-]+(?:\.[\w-]+)+)", re.I, needles=("relay=",)),
    GuardedPattern(r"\bH=([\w-]+(?:\.[\w-]+)+)", re.I, needles=("h=",)),
    GuardedPattern(r"while talking to\s+([\w-]+(?:\.[\w-]+)+)", re.I, needles=("while talking to",)),
    GuardedPattern(
        r"\b(?:remote (?:server|host)|mail server)\s+\[?([a-z][\w-]*(?:\.[\w-]+)+)",
        re.I,
        needles=("mail server", "remote host", "remote server"),
    ),
)


def find_recipient(text: str) -> str | None:
    """The address the text names as the recipient, checked as a mailbox: a field or command
    that names it, then a line that begins with it, then a copied table row's recipient column
    (table_rows), then the first other address.

    A header field's value (`To: sender@...`) or a reporting system's address is never taken.
    A text that quotes header fields is a whole message, pasted perhaps with its line breaks
    lost: there only an address in the words of a failure (`delivered to a@b`, `<a@b>: 550`)
    is named, and none rather than a wrong one."""
    if "@" not in text:
        return None  # every way of naming a recipient has one
    lowered = text.lower()
    for pattern in RECIPIENT_RES:
        m = pattern.search(text, lowered)
        address = mailbox(m.group(1)) if m else None
        if address:
            return address
    from . import table_rows  # a copied table's row: start-up does without it

    return leading_address(text) or table_rows.recipient(text) or _other_address(text)


def _other_address(text: str) -> str | None:
    found = find_mailboxes(text, MAX_CANDIDATES)
    others = [
        (start, a)
        for start, a in found
        if not is_reporting_address(a)
        and not _refused_sender(text, start, a)
        and not _help_address(text, start)
    ]
    people = [(start, a) for start, a in others if not follows_header_field(text, start)]
    if len(people) == len(others):
        return next((a for _, a in people[:5]), None)
    return next((a for start, a in people if in_failure_context(text, start, a)), None)


def _refused_sender(text: str, start: int, address: str) -> bool:
    """Whether the reply names the address as the sender it refuses, or as that sender's login:
    Postfix writes the address its restriction tested in front of the verdict ("<ana@example.org>:
    Sender address rejected: not owned by user bob@example.org"). In a pasted reply neither is
    a recipient."""
    after = text[start + len(address) : start + len(address) + 40].lower()
    before = text[max(0, start - 20) : start].lower().rstrip(" \t<\"'")
    return SENDER_REFUSED_RE.match(after) is not None or before.endswith(("owned by", "owned by user"))


def _help_address(text: str, start: int) -> bool:
    window = text[max(0, start - 60) : start].lower()
    # the words first: the pattern (compiled on first use, then cached by re) runs only where one is
    return any(word in window for word in HELP_WORDS) and re.search(HELP_ADDRESS_BEFORE, window) is not None


def leading_address(text: str) -> str | None:
    """An address that starts a line (`<a@b>: ...`, `a@b`): how reports list their recipients."""
    for line in text.split("\n", MAX_LINES_READ)[:MAX_LINES_READ]:
        head = line.lstrip(" \t<")
        if "@" not in head[:255]:
            continue
        end = next((i for i, ch in enumerate(head) if ch in LEADING_ENDS), len(head))
        address = mailbox(head[:end])
        if address and not is_reporting_address(address):
            return address
    return None


def find_remote_mta(text: str) -> str | None:
    lowered = text.lower()
    for pattern in REMOTE_MTA_RES:
        m = pattern.search(text, lowered)
        if m:
            host = m.group(1).strip(".")
            if "." in host and not host.replace(".", "").isdigit():
                return host.lower()
    return None


def incident_from_text(text: str, kind: str, explicit: bool, **fields) -> Incident:
    """Read codes, recipient and remote MTA out of a piece of free text."""
    text = own_result(text, fields.get("recipient"))
    replies = reply_codes(text)
    enhanced = enhanced_codes(text)
    wrapped = WRAPPED_REPLY_RE.search(text)
    if wrapped:
        # Exchange quotes the remote server's reply inside its own ("554 5.7.0 <#5.7.520 smtp;
        # 550 5.7.520 ...>"): the inner reply is the one that states the cause
        replies = [h for h in replies if h.start >= wrapped.end()]
        enhanced = [h for h in enhanced if h.start >= wrapped.end()]
    if explicit:
        # a code asked about in a sentence may stand weakly, but not as a count or a version
        replies = [h for h in replies if not reads_as_a_number(text, h)]
        enhanced = [h for h in enhanced if not reads_as_a_number(text, h)]
    reply = first(replies, strong_only=True) or (first(replies) if explicit else None)
    status = first(enhanced, strong_only=True) or (first(enhanced) if explicit else None)
    if status and not status.strong and reply and reply.strong and status.code[0] != reply.code[0]:
        status = None  # a stray number of another class is no detail of a reply quoted the SMTP way
    if status is None and reply is not None and reply.strong:
        # beside a reply code used the SMTP way, a status of its class is the same reply's detail
        status = next((h for h in enhanced if h.code[0] == reply.code[0]), None)
    if status and status.code.endswith(".0.0"):
        # prefer a specific status to a class-only one
        specific = next(
            (h for h in enhanced if not h.code.endswith(".0.0") and h.strong and h.code[0] == status.code[0]),
            None,
        )
        status = specific or status
    if reply is None and status is None and fields.get("action") is None:
        # no code states the class: a delivery command's exit status may (see EXIT_STATUS_RE), or
        # the notice's own word for a returned message (RETURNED_RE)
        fields["action"] = implied_action(text)
    incident = Incident(
        text=text,
        kind=kind,
        reply_code=reply.code if reply else None,
        enhanced_code=status.code if status else None,
        strong_code=bool((reply and reply.strong) or (status and status.strong)),
        **fields,
    )
    return incident


def complete(incident: Incident) -> Incident:
    """Fill in recipient and remote MTA from the text, where the format named neither."""
    if incident.recipient is None:
        incident.recipient = find_recipient(incident.text)
    if incident.remote_mta is None:
        incident.remote_mta = find_remote_mta(incident.text)
    return incident


def reply_from_context(incident: Incident) -> str | None:
    """The reply code the body quotes for this recipient, when the DSN fields left it out.

    Only a code used the SMTP way and of the same class as the record's status counts, so a
    transcript's `<<< 421` fills in a delayed record but a stray `250 OK` does not.
    """
    wanted = (incident.enhanced_code or "")[:1] or {"failed": "5", "delayed": "4"}.get(incident.action or "")
    if wanted not in REPLY_CLASSES:
        return None
    # codes of the wrong class are common in a notice (a 250 in a transcript): skip them before
    # the costlier strong-use test. (One pattern per class would skip them inside the regex
    # engine, but compiling the three costs more than this whole search over a batch of bounces.)
    context = incident.context
    for m in REPLY_RE.finditer(context):
        if m.group(1)[0] == wanted and is_strong_reply(context, m):
            return m.group(1)
    return None
