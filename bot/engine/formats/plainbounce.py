"""The human-readable report every MTA writes, read when a bounce has no delivery-status part.

Postfix, Exim, Sendmail, qmail, Exchange, Lotus Notes, GroupWise, Netscape Messaging Server,
SMTP32, old Yahoo and AOL, Sina ... word their reports differently but lay them out alike: each
failed recipient is listed, one to a line (`<a@example.com>: host ... said: 550 ...` in Postfix's
bounce(5) template, `  a@example.com` indented in Exim's, `a@example.com... User unknown` in
Sendmail's, `<a@example.com>:` in qmail's bounce, `a@example.com on 3/1/2024` in Exchange's), or
named after a word that marks it as the recipient (`RCPT TO:<a@...>`, `delivered to a@...`,
`Recipient: a@...`), and the server's answer follows it. So this reader finds the listed
addresses, gives each the text up to the next listed address as its diagnostic, and keeps the
rest of the report as context for the engine. Exim's X-Failed-Recipients header, when present,
names the recipients outright.
"""

from __future__ import annotations

import re

from ..address import find_mailboxes, is_system_address
from ..codes import enhanced_codes, reply_codes
from ..incident import Incident, incident_from_text
from ..model import ENHANCED_CODE
from . import bounce_email, freetext

KIND = "email"
MAX_RECIPIENTS = 50
MAX_OCCURRENCES = 200  # each is compared with those after it: keep the pairs few
MAX_BODY_LINES = 600
SEGMENT_CHARS = 1500
THIN_WORDS = 4
DIAGNOSTIC_CHARS = 3000
CONTEXT_CHARS = 4000
# A quoted header field of the original message: the addresses on it are the sender's or the
# original's, not a failed recipient (searched in lower case).
HEADER_FIELD_RE = re.compile(
    r"^[ \t>]*(?:from|to|cc|bcc|reply-to|sender|return-path|message-id|received|references"
    r"|in-reply-to|delivered-to|envelope-to|x-[\w-]{1,40}|date|subject|resent-[\w-]{1,20}"
    r"|list-[\w-]{1,20}|errors-to|disposition-notification-to)[ \t]*:"
)
# Words right before an address that name it as the one the report is about (lower case). The
# `$` anchors them to the address: the text before it is cut to 48 characters first.
RECIPIENT_CUE_RE = re.compile(
    r"(?:\bto|recipients?|addressee|address(?:es)?|\buser|mailbox|rcpt to|account|destination"
    r"|delivered to|deliver to|failed|undeliverable to|not delivered to"
    rf"|[245]\d\d[ -](?:{ENHANCED_CODE} )?)"
    r"[ \t]*[:=]?[ \t]*[<\"'(]?$"
)
# After an address's "@": the rest of its domain, then an angle address that the first one only
# names (searched from the "@").
ANGLE_ADDRESS_NEXT_RE = re.compile(r"@[^\s<>@]{1,255}[ \t]+<[^\s<>@]{1,64}@")
# Sendmail's transcript sums up each recipient on a line of its own after the exchange with the
# server: "554 <a@example.com>... 550 Host unknown" (matched at a line's start).
SUMMARY_LINE_RE = re.compile(r"[245]\d\d[ -]<?[^\s<>@]{1,64}@")
# Words of a delay warning: the MTA still holds the message and will try again (Postfix's
# "Delayed Mail (still being retried)", Sendmail's "Warning: could not send message for past 4
# hours", Exim's "has not yet been delivered ... delivery attempts will continue", Exchange's and
# Gmail's "Delivery Status Notification (Delay)").
DELAY_WORDS = (
    "(delay)",
    "delayed mail",
    "delivery delayed",
    "delivery has been delayed",
    "has been delayed",
    "is delayed",
    "warning message only",
    "this is a warning",
    "will retry",
    "will be retried",
    "will continue to try",
    "will keep trying",
    "will try again",
    "will continue trying",
    "attempts will continue",
    "still trying",
    "still being retried",
    "has not yet been delivered",
    "not yet been delivered",
    "still undelivered",
    "could not send message for past",
    "you do not need to resend",
    "no action is required on your part",
)
# Senders and words of a delivery report (lower case).
REPORTING_SENDERS = ("mailer-daemon", "postmaster", "mail delivery", "mail-daemon", "mail system")
REPORT_WORDS = (
    "undeliver",
    "not delivered",
    "could not be delivered",
    "couldn't be delivered",
    "delivery failed",
    "delivery has failed",
    "delivery failure",
    "failed to deliver",
    "unable to deliver",
    "returned mail",
    "failure notice",
    "permanent error",
    "fatal error",
    "mail delivery",
    "delivery status",
    "rejected",
    "could not be reached",
    "not be reached",
)
# Words that say the report is final, whatever else it says about earlier retries. Not "could
# not be delivered": Postfix's warning says its message "could not be delivered for more than 4
# hour(s)" and that "it will be retried".
FINAL_WORDS = (
    "permanent error",
    "permanently",
    "fatal error",
    "gave up",
    "giving up",
    "will not retry",
    "will not be retried",
    "no further attempts",
    "deleted from queue",
    "delivery has failed",
    "failure notice",
)


def detect(text: str) -> bool:
    return bounce_email.read_email(text) is not None


def parse(text: str, explicit: bool) -> list[Incident]:
    """One incident per failed recipient the report lists; its paragraphs when it lists none."""
    message = bounce_email.read(text)
    listed = listed_recipients(message) if is_delivery_report(message) else []
    if not listed:
        return _paragraphs(message.body, explicit)
    action = "delayed" if is_delay_warning(message.header("subject"), message.body) else "failed"
    return _recipients(message.body, listed, action, explicit)


def _recipients(body: str, listed: list[tuple[int, str]], action: str, explicit: bool) -> list[Incident]:
    # the report's preamble speaks for every recipient; another recipient's text for none
    preamble = body[: body.rfind("\n", 0, listed[0][0]) + 1]
    shared: list[Incident] = []  # read once, and only for a recipient whose text has no code
    found = []
    for address, diagnostic in diagnostics(body, listed):
        incident = incident_from_text(
            diagnostic, "email", explicit, recipient=address, action=action, structured=True
        )
        if incident.reply_code and incident.reply_code[0] == "2" and not incident.strong_code:
            incident.reply_code = None  # "Size (in bytes): 222" in a report's summary is no reply
        if incident.reply_code is None and incident.enhanced_code is None:
            shared = shared or [incident_from_text(preamble[:CONTEXT_CHARS], "email", explicit)]
            incident.reply_code, incident.enhanced_code = shared[0].reply_code, shared[0].enhanced_code
        incident.context = body[:CONTEXT_CHARS]
        found.append(incident)
    return found


def _paragraphs(body: str, explicit: bool) -> list[Incident]:
    """A report that lists no recipient: each paragraph may quote the server's reply."""
    found = freetext.incidents(body, explicit, kind="email", structured=True)
    found = [i for i in found if not _is_header_block(i.text)]
    for incident in found:
        incident.context = body[:CONTEXT_CHARS]
    return found


def _is_header_block(paragraph: str) -> bool:
    """A paragraph of quoted header fields: the original message's, never the report."""
    lines = [line for line in paragraph.lower().split("\n") if line.strip()]
    fields = sum(1 for line in lines if HEADER_FIELD_RE.match(line))
    return fields >= 2 and fields * 2 >= sum(1 for line in lines if line[:1] not in " \t")


def is_delivery_report(message: bounce_email.Message) -> bool:
    """Whether the email reports on a delivery at all: a mail system sent it, or its subject or
    text speaks of failure or delay, or it quotes a server's failure code. A forwarded thread
    that lists addresses is no report of failed recipients."""
    if message.header("x-failed-recipients"):
        return True
    sender = message.header("from").lower()
    if any(name in sender for name in REPORTING_SENDERS):
        return True
    text = f"{message.header('subject')}\n{message.body[:CONTEXT_CHARS]}".lower()
    if any(w in text for w in REPORT_WORDS) or any(w in text for w in DELAY_WORDS):
        return True
    return any(hit.code[0] in "45" and hit.strong for hit in reply_codes(text)) or any(
        hit.code[0] in "45" and hit.strong for hit in enhanced_codes(text)
    )


def is_delay_warning(subject: str, body: str) -> bool:
    """Whether the report says the message is still queued and will be tried again."""
    text = f"{subject}\n{body[:CONTEXT_CHARS]}".lower()
    return any(w in text for w in DELAY_WORDS) and not any(w in text for w in FINAL_WORDS)


def listed_recipients(message: bounce_email.Message) -> list[tuple[int, str]]:
    """Where the report lists each failed recipient: (offset in the body, address), in order."""
    senders = {
        a.lower() for _, a in find_mailboxes(f"{message.header('to')} {message.header('return-path')}")
    }
    failed = [a for _, a in find_mailboxes(message.header("x-failed-recipients"))]
    occurrences = _listed_in_body(message.body)
    wanted = {a.lower() for a in failed}
    in_body = [(pos, a) for pos, a in occurrences if a.lower() in wanted]
    # the reporting system's own postmaster@ or MAILER-DAEMON@ is named only when nobody else is
    people = [(pos, a) for pos, a in occurrences if not is_system_address(a)]
    occurrences = people or occurrences
    kept = [(pos, a) for pos, a in occurrences if a.lower() not in senders]
    if failed and (in_body or not kept):
        named = {a.lower() for _, a in in_body}
        # an address the header names but the body does not still failed: list it at the end
        tail = [(len(message.body), a) for a in failed if a.lower() not in named]
        return in_body + tail
    return kept or occurrences


def _listed_in_body(body: str) -> list[tuple[int, str]]:
    """Addresses the body lists as recipients: at a line's start, or after a recipient word."""
    found: list[tuple[int, str]] = []
    distinct: set[str] = set()
    offset = 0
    folding = False  # the line before was a quoted header field that may fold onto this one
    for line in body.split("\n", MAX_BODY_LINES)[:MAX_BODY_LINES]:
        start, offset = offset, offset + len(line) + 1
        lowered = line.lower()
        indented = line[:1] in " \t"
        field = bool(HEADER_FIELD_RE.match(lowered))
        in_header = field or (folding and indented)
        # a field at the line's start folds onto indented lines; an indented one is a summary's
        folding = (field and not indented) or (folding and indented)
        if in_header or "@" not in line:
            continue
        for pos, address in find_mailboxes(line, 10):
            if not _is_listed(lowered, pos):
                continue
            found.append((start + pos, address))
            distinct.add(address.lower())
        if len(distinct) >= MAX_RECIPIENTS or len(found) >= MAX_OCCURRENCES:
            break
    return found


def _is_listed(lowered_line: str, pos: int) -> bool:
    before = lowered_line[max(0, pos - 48) : pos]
    if not before.strip(" \t<\"'(*-"):
        # the address starts the line: a report's list of recipients, unless it is only the
        # display name of the angle address after it (`a@b <c@d>`, RFC 5322 name-addr)
        return not ANGLE_ADDRESS_NEXT_RE.match(lowered_line, lowered_line.find("@", pos))
    if before.rstrip(" \t<").endswith(":") and _ends_line(lowered_line, pos):
        return True  # "Unknown user: a@example.com", the address closing the line
    return bool(RECIPIENT_CUE_RE.search(before))


def _ends_line(lowered_line: str, pos: int) -> bool:
    at = lowered_line.find("@", pos)
    end = next((i for i in range(at, len(lowered_line)) if lowered_line[i] in " \t"), len(lowered_line))
    return not lowered_line[end:].strip(" \t>.;,)")


def diagnostics(body: str, listed: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """Each recipient with its diagnostic, in the order the recipients first appear: for each
    line that lists it, that line's paragraph, up to the next line that lists another
    recipient; a paragraph that holds little more than the address (`a@b on 3/1/2024`) takes
    the next paragraph too, where Exchange and Lotus Notes put the reason. A transcript's
    summary line (`554 <a@b>... 550 Host unknown`) ends its recipient's exchange instead: its
    text is the lines since the previous recipient's line."""
    texts: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    read_to: dict[str, int] = {}  # how far each recipient's text already reaches
    previous = (0, "")  # the end of the last line that listed a recipient, and which one
    for i, (pos, address) in enumerate(listed):
        key = address.lower()
        names.setdefault(key, address)
        start = body.rfind("\n", 0, pos) + 1
        line_end = _line_end(body, pos)
        after_other = previous[0] if previous[1] != key else 0
        previous = (line_end, key)
        if start < read_to.get(key, 0):
            continue  # named again inside its own text: "RCPT TO:<a@b>" under "a@b"
        if SUMMARY_LINE_RE.match(body, start):
            floor = max(after_other, body.rfind("\n\n", 0, start) + 2, start - SEGMENT_CHARS)
            start, end = floor, line_end
        else:
            following = next((p for p, a in listed[i + 1 :] if a.lower() != key), len(body))
            has_break = body.rfind("\n", start, following) >= 0
            limit = body.rfind("\n", 0, following) + 1 if has_break else following
            end = _paragraph_end(body, start, min(limit, start + SEGMENT_CHARS), address)
        texts.setdefault(key, []).append(body[start:end].strip("\n"))
        read_to[key] = end
    return [(names[key], "\n".join(parts)[:DIAGNOSTIC_CHARS]) for key, parts in texts.items()]


def _line_end(body: str, pos: int) -> int:
    end = body.find("\n", pos)
    return len(body) if end < 0 else end + 1


def _has_code(text: str) -> bool:
    return bool(enhanced_codes(text)) or any(hit.strong for hit in reply_codes(text))


def _paragraph_end(body: str, start: int, limit: int, address: str) -> int:
    """Where the paragraph from `start` ends (not past `limit`), or the next one's end when this
    one is thin (fewer than THIN_WORDS words besides the address) or quotes no code: "There was
    an error delivering your mail to <a@b>." with the server's reply below it."""
    end = body.find("\n\n", start, limit)
    if end < 0:
        return limit
    paragraph = body[start:end]
    if len(paragraph.replace(address, " ").split()) >= THIN_WORDS and _has_code(paragraph):
        return end
    following = body.find("\n\n", end + 2, limit)
    while following == end + 2 or (following >= 0 and not body[end:following].strip()):
        following = body.find("\n\n", following + 1, limit)  # runs of blank lines
    return following if following >= 0 else limit
