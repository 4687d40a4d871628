"""Bounces of bench/corpus-mta as people bring them to smtpbot: forwarded by a person (attached
or inline, in the layouts of Gmail, Outlook, Apple Mail and Thunderbird) or pasted into Slack (as
Slack encodes a message's text). Each variant is built from the corpus email, so it is checked
against that email's own labels."""

from __future__ import annotations

import email
import html
import json
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from pathlib import Path

from bot.engine import Finding

CORPUS = Path(__file__).resolve().parents[3] / "bench" / "corpus-mta"
# Single and several recipients, delay warnings, DSN parts and plain-text reports, base64 bodies.
SAMPLES = (
    "postfix-02",
    "exim-02",
    "sendmail-01",
    "qmail-01",
    "gmail-01",
    "gmail-02",
    "exchange-online-02",
    "yahoo-02",
    "exchange2003-01",
    "lotus-notes-04",
    "delay-02",
    "amazonses-02",
    "courier-04",
    "messagingserver-02",
)
# Those whose text part alone names every failed recipient and its reply; amazonses-02's lists
# the recipients and leaves the replies to its delivery-status part.
TEXT_PART_SAMPLES = tuple(sample for sample in SAMPLES if sample != "amazonses-02")
PERSON = "Rosa Vidal <rosa.vidal@example.com>"
HELPDESK = "IT Helpdesk <helpdesk@example.com>"
QUESTION = (
    "Hi,\n\nI sent this to a few customers this morning and got the message below.\n"
    "Can you tell me why it failed? Our sales team (sales.team@example.com) is in copy.\n\nThanks,\nRosa"
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_RE = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class Sample:
    id: str
    raw: str  # the bounce as stored
    expected: tuple[dict, ...]  # the label rows


def load(sample_id: str) -> Sample:
    family = sample_id.rsplit("-", 1)[0]
    for line in (CORPUS / family / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == sample_id:
            raw = (CORPUS / row["file"]).read_bytes().decode("utf-8", "surrogateescape")
            return Sample(sample_id, raw.replace("\r\n", "\n"), tuple(row["expected"]))
    raise LookupError(sample_id)


# --- forwarded by a person ------------------------------------------------------------------


def attached(raw: str, boundary: str = "=_fwd_attached_42") -> str:
    """The person's message with the bounce attached as message/rfc822 ("Forward as attachment")."""
    return (
        f"From: {PERSON}\nTo: {HELPDESK}\nCc: sales.team@example.com\n"
        "Subject: Fwd: why did this bounce?\nDate: Mon, 7 Dec 2026 09:30:00 +0000\n"
        f"Message-ID: <fwd-attached@example.com>\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
        f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{QUESTION}\n\n"
        f'--{boundary}\nContent-Type: message/rfc822; name="bounce.eml"\n'
        f'Content-Disposition: attachment; filename="bounce.eml"\n\n{raw.strip()}\n\n--{boundary}--\n'
    )


def readable(raw: str, status_part: bool = True) -> tuple[dict[str, str], str]:
    """The bounce's From, Date, Subject and To, and the text a mail client shows of it: its text
    parts decoded (the HTML one as text when there is no plain one), and its delivery-status part
    as text (as Apple Mail and Thunderbird show it inline) unless `status_part` is false (Gmail
    shows it as an attachment)."""
    message = email.message_from_string(raw, policy=policy.compat32)
    fields = {
        name: " ".join(str(message.get(name, "")).split()) for name in ("From", "Date", "Subject", "To")
    }
    texts: list[str] = []
    html_texts: list[str] = []
    status_texts: list[str] = []
    for part in _shown_parts(message):
        if part.get_content_type() == "message/delivery-status":
            status_texts.append("\n".join(block.as_string() for block in part.get_payload()))
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        if part.get_content_type() == "text/html":
            html_texts.append(
                html.unescape(re.sub(r"<[^>]*>", "", re.sub(r"(?i)<(br|/p|/div|/tr)[^>]*>", "\n", text)))
            )
        else:
            texts.append(text)
    shown = "\n\n".join([*(texts or html_texts), *(status_texts if status_part else ())])
    return fields, shown.replace("\r\n", "\n").strip()


def _shown_parts(message: Message) -> list[Message]:
    """The parts a client shows inline: text parts and delivery-status, not the returned message."""
    ctype = message.get_content_type()
    if ctype in ("message/rfc822", "text/rfc822-headers"):
        return []
    if ctype == "message/delivery-status":
        return [message]
    if message.is_multipart():
        return [leaf for sub in message.get_payload() for leaf in _shown_parts(sub)]
    return [message] if ctype.startswith("text/") else []


# Each client's forward block: its separator line, the fields in its order, what follows a name.
CLIENT_BLOCKS = {
    "gmail": ("---------- Forwarded message ---------", ("From", "Date", "Subject", "To"), " "),
    "outlook": ("-----Original Message-----", ("From", "Sent", "To", "Subject"), " "),
    "outlook-new": ("________________________________", ("From", "Sent", "To", "Subject"), " "),
    "apple": ("Begin forwarded message:\n", ("From", "Subject", "Date", "To"), " "),
    "thunderbird": ("-------- Forwarded Message --------", ("Subject", "Date", "From", "To"), " \t"),
}
CLIENTS = tuple(CLIENT_BLOCKS)


def inline_block(raw: str, client: str, status_part: bool = True) -> str:
    """The forwarded bounce as each mail client writes it into the body of a forward."""
    fields, body = readable(raw, status_part)
    fields["Sent"] = fields["Date"]  # Outlook writes the date in its own words; the value is not read
    separator, order, space = CLIENT_BLOCKS[client]
    head = "\n".join(f"{name}:{space}{fields[name]}" for name in order)
    return f"{separator}\n{head}\n\n{body}\n"


def inline(raw: str, client: str, status_part: bool = True) -> str:
    """A forward with the bounce inline, mailed by the person to the helpdesk."""
    return (
        f"From: {PERSON}\nTo: {HELPDESK}\nCc: sales.team@example.com\n"
        "Subject: Fwd: why did this bounce?\nDate: Mon, 7 Dec 2026 09:30:00 +0000\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{QUESTION}\n\n{inline_block(raw, client, status_part)}"
    )


def pasted_forward(raw: str, client: str) -> str:
    """The person's question and the inline forward, pasted without any email around them."""
    return f"{QUESTION}\n\n{inline_block(raw, client)}"


# --- pasted into Slack --------------------------------------------------------------------------


def slack_encoded(text: str, labelled_links: bool = True) -> str:
    """A message's `text` as Slack sends it: &, < and > escaped, addresses and URLs auto-linked."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def link_url(match: re.Match[str]) -> str:
        url = match.group(0)
        return f"<{url}|{url}>" if labelled_links else f"<{url}>"

    escaped = URL_RE.sub(link_url, escaped)
    parts = re.split(r"(<[^<>]*>)", escaped)  # no links inside links
    return "".join(
        part if part.startswith("<") else EMAIL_RE.sub(lambda m: f"<mailto:{m.group(0)}|{m.group(0)}>", part)
        for part in parts
    )


def slack_paste(raw: str, style: str) -> str:
    """The raw bounce pasted into Slack in one of the ways people paste, as Slack's event text."""
    if style == "plain":
        return slack_encoded(raw)
    if style == "bare-links":
        return slack_encoded(raw, labelled_links=False)
    if style == "fenced":
        return "what does this mean?\n```" + slack_encoded(raw.strip()) + "```"
    if style == "quoted":
        return "\n".join(
            "&gt; " + line if line else "&gt;" for line in slack_encoded(raw.strip()).split("\n")
        )
    if style == "doubled":
        return slack_encoded(raw.strip()).replace("\n", "\n\n")
    if style == "collapsed":  # blank lines lost in the copy
        return re.sub(r"\n+", "\n", slack_encoded(raw.strip()))
    if style == "forwarded":
        return slack_encoded(pasted_forward(raw, "gmail"))
    raise ValueError(style)


# --- checking -----------------------------------------------------------------------------------


def differences(findings: tuple[Finding, ...], sample: Sample) -> list[str]:
    """How the findings differ from the sample's labels: the failed recipients exactly, and per
    recipient its reason, hard or soft, and the codes the labels give (a null code is not checked)."""
    by_recipient: dict[str, Finding] = {}
    for finding in findings:
        by_recipient.setdefault((finding.recipient or "").lower(), finding)
    wanted = {row["recipient"].lower() for row in sample.expected}
    problems = (
        [] if set(by_recipient) == wanted else [f"recipients {sorted(by_recipient)} != {sorted(wanted)}"]
    )
    for row in sample.expected:
        finding = by_recipient.get(row["recipient"].lower())
        if finding is None:
            continue
        got = {
            "reason": finding.reason,
            "hard": finding.bounce == "hard",
            "status": finding.enhanced_code if row["status"] else None,
            "replycode": finding.reply_code if row["replycode"] else None,
        }
        want = {
            "reason": row["reason"],
            "hard": row["hardbounce"],
            "status": row["status"],
            "replycode": row["replycode"],
        }
        problems.extend(
            f"{row['recipient']} {key}: {got[key]!r} != {want[key]!r}"
            for key in want
            if got[key] != want[key]
        )
    return problems
