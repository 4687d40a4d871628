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

from ..address import find_mailboxes, is_role_address
from ..codes import enhanced_codes, reply_codes
from ..incident import Incident, find_recipient, incident_from_text
from ..partial_names import complete_display_names, complete_local_parts
from . import bounce_email, freetext, listmates
from .cues import (
    ALIAS_CUE_RE,
    CONTACT_CUE_RE,
    FULL_WIDTH_PUNCTUATION,
    LOCALISED_RECIPIENT_CUE,
    LOCALISED_SENDER_CUE,
    RECIPIENT_CUE_RE,
    SENDER_CUE_RE,
    ends_with_cue,
    summary_lines,
)
from .reportwords import is_delay_warning, is_delivery_report

KIND = "email"
MAX_RECIPIENTS = 50
MAX_OCCURRENCES = 200  # each is compared with those after it: keep the pairs few
MAX_BODY_LINES = 600
SEGMENT_CHARS = 1500
THIN_WORDS = 4
MAX_PARAGRAPHS_TO_CODE = 3  # how many more paragraphs a recipient's text may take to reach a code
DIAGNOSTIC_CHARS = 3000
CONTEXT_CHARS = 4000
# A quoted header field of the original message: the addresses on it are the sender's or the
# original's, not a failed recipient (searched in lower case).
HEADER_FIELD_RE = re.compile(
    r"^[ \t>]*(?:from|to|cc|bcc|reply-to|sender|return-path|message-id|received|references"
    r"|in-reply-to|delivered-to|envelope-to|x-[\w-]{1,40}|date|subject|resent-[\w-]{1,20}"
    r"|list-[\w-]{1,20}|errors-to|disposition-notification-to)[ \t]*:"
)
# The first field of a returned message's header block that no report writes itself: where a
# report that quotes the original without a separator line stops listing (at a line's start,
# after blanks or quote marks).
ORIGINAL_HEADER_FIELDS = ("return-path:", "received:")
ORIGINAL_FIELD_CHARS = len("return-path:")  # how much of a line's start they are compared with
# After an address's "@": the rest of its domain, then an angle address that the first one only
# names (searched from the "@").
ANGLE_ADDRESS_NEXT_RE = re.compile(r"@[^\s<>@]{1,255}[ \t]+<[^\s<>@]{1,64}@")
# A line that lists a recipient as a name-addr and nothing else, its display name often the
# address again: Active!hunter's `>>> a@b <a@b>`, `Inoue Family <a@b>` (the text before the
# address, lower case; a colon would make it a field or a cue, read elsewhere).
NAME_ADDR_LINE_RE = re.compile(r"[ \t>]*[^<>:;\t]{1,64}[ \t]<")
# Sendmail's transcript sums up each recipient on a line of its own after the exchange with the
# server: "554 <a@example.com>... 550 Host unknown" (matched at a line's start).
SUMMARY_LINE_RE = re.compile(r"[245]\d\d[ -]<?[^\s<>@]{1,64}@")


def detect(text: str) -> bool:
    return bounce_email.read_email(text) is not None


def parse(text: str, explicit: bool) -> list[Incident]:
    return read_report(bounce_email.read(text), text, explicit)


def read_report(message: bounce_email.Message, text: str, explicit: bool) -> list[Incident]:
    """One incident per failed recipient the report lists (or, listing none, its Subject names);
    its paragraphs when it names nobody. `text` is the whole of what the report came in."""
    if not is_delivery_report(message):
        return _paragraphs(message.body, explicit)
    action = "delayed" if is_delay_warning(message.header("subject"), message.body) else "failed"
    senders = _senders(message)  # read once: every step below leaves them out
    listed = listed_recipients(message, senders)
    subject = message.header("subject")
    if listed:
        # Exchange 2007 names an internal recipient by display name at the top and gives its
        # address only under "Diagnostic information for administrators"
        whole = bounce_email.searchable(text, message)
        listed = sorted({*listed, *complete_display_names(message.body, whole, senders)})
        return _recipients(message.body, listed, action, explicit, subject)
    named = _named_in_subject(message, senders)
    if named:
        # the Subject that names the recipient often names the cause too ("Quota exceeded for")
        return _whole_report(f"{message.header('subject')}\n\n{message.body}", named, action, explicit)
    # AOL's and GroupWise's own users, listed by local part alone ("grannysmith55"), and
    # Exchange's, by display name ("Siobhan Brennan on 6/7/2007 4:40 PM")
    whole = bounce_email.searchable(text, message)
    completed = complete_local_parts(message.body, whole, senders) or complete_display_names(
        message.body, whole, senders
    )
    if completed:
        return _recipients(message.body, completed, action, explicit, subject)
    return _report_paragraphs(_paragraphs(message.body, explicit), senders, action)


def _report_paragraphs(found: list[Incident], others: set[str], action: str) -> list[Incident]:
    """The paragraphs of a report that names nobody: each speaks of a failure (or a delay), but a
    paragraph that names only the sender or a postmaster and quotes no code ("Please reply to
    Postmaster@...") is the report's footer, and the sender or a postmaster is never named."""
    footers = [i for i in found if _names_only(i.text, others) and not (i.reply_code or i.enhanced_code)]
    found = [i for i in found if i not in footers] or found
    for incident in found:
        incident.action = action
        guess = find_recipient(incident.text)
        if guess and (guess.lower() in others or is_role_address(guess)):
            incident.recipient = ""  # name nobody rather than them, even by guessing
    return found


def _names_only(text: str, others: set[str]) -> bool:
    """Whether the text names addresses, all of them the sender's or a reporting system's."""
    named = [a for _, a in find_mailboxes(text, 10)]
    return bool(named) and all(a.lower() in others or is_role_address(a) for a in named)


def _named_in_subject(message: bounce_email.Message, senders: set[str]) -> list[str]:
    """The addresses a report names only in its Subject ("Returned mail: message not
    deliverable: <a@example.com>", "Delivery failure (a@example.com)"), not the sender's."""
    named = [a for _, a in find_mailboxes(message.header("subject"), MAX_RECIPIENTS)]
    return list(dict.fromkeys(a for a in named if a.lower() not in senders and not is_role_address(a)))


def _whole_report(body: str, named: list[str], action: str, explicit: bool) -> list[Incident]:
    """One incident per address the Subject names, each with the whole report (the Subject and
    the body) as its text."""
    found = []
    for address in named:
        incident = incident_from_text(
            body[:DIAGNOSTIC_CHARS], "email", explicit, recipient=address, action=action, structured=True
        )
        incident.context = body[:CONTEXT_CHARS]
        found.append(incident)
    return found


def _recipients(
    body: str, listed: list[tuple[int, str]], action: str, explicit: bool, subject: str = ""
) -> list[Incident]:
    # the report's preamble speaks for every recipient; another recipient's text for none
    preamble = body[: body.rfind("\n", 0, listed[0][0]) + 1]
    shared: list[Incident] = []  # read once, and only for a recipient whose text has no code
    found = []
    texts = diagnostics(body, listed)
    for address, diagnostic in texts:
        incident = incident_from_text(
            diagnostic, "email", explicit, recipient=address, action=action, structured=True
        )
        if incident.reply_code and incident.reply_code[0] == "2" and not incident.strong_code:
            incident.reply_code = None  # "Size (in bytes): 222" in a report's summary is no reply
        weak = incident.reply_code is not None and not incident.strong_code
        if weak or (incident.reply_code is None and incident.enhanced_code is None):
            shared = shared or [incident_from_text(preamble[:CONTEXT_CHARS], "email", explicit)]
            # a number in the recipient's summary ("Size (in bytes): 512") gives way to a reply
            # the preamble quotes as SMTP does ("Error: 550 - Requested action not taken")
            if not weak or shared[0].strong_code:
                incident.reply_code, incident.enhanced_code = shared[0].reply_code, shared[0].enhanced_code
        incident.context = listmates.cause_in_subject(subject) + listmates.context_without_others(
            body, texts, address
        )
        found.append(incident)
    listmates.share_codes_down_a_list(body, listed, found)
    listmates.delay_sections(body, listed, found)
    return found


def _paragraphs(body: str, explicit: bool) -> list[Incident]:
    """A report that lists no recipient: each paragraph may quote the server's reply."""
    found = freetext.incidents(body, explicit, kind="email", structured=True)
    found = [i for i in found if not _is_header_block(i.text)]
    for incident in found:
        incident.context = body[:CONTEXT_CHARS]
        if "@" in incident.text and is_role_address(find_recipient(incident.text) or ""):
            incident.recipient = ""  # a list manager's "write to LIST-ctl" names no recipient
    return found


def _is_header_block(paragraph: str) -> bool:
    """A paragraph of quoted header fields: the original message's, never the report."""
    lines = [line for line in paragraph.lower().split("\n") if line.strip()]
    fields = sum(1 for line in lines if HEADER_FIELD_RE.match(line))
    return fields >= 2 and fields * 2 >= sum(1 for line in lines if line[:1] not in " \t")


def listed_recipients(
    message: bounce_email.Message, senders: set[str] | None = None
) -> list[tuple[int, str]]:
    """Where the report lists each failed recipient: (offset in the body, address), in order.
    `senders` is _senders(message), when the caller has read them already."""
    senders = _senders(message) if senders is None else senders
    failed = [a for _, a in find_mailboxes(message.header("x-failed-recipients"))]
    occurrences = _listed_in_body(message.body)
    wanted = {a.lower() for a in failed}
    in_body = [(pos, a) for pos, a in occurrences if a.lower() in wanted]
    # the reporting system's postmaster@ or MAILER-DAEMON@, or a list's LIST-request, is named
    # only when nobody else is
    people = [(pos, a) for pos, a in occurrences if not is_role_address(a)]
    occurrences = people or occurrences
    kept = [(pos, a) for pos, a in occurrences if a.lower() not in senders]
    if failed and (in_body or not kept):
        named = {a.lower() for _, a in in_body}
        # an address the header names but the body does not still failed: list it at the end
        tail = [(len(message.body), a) for a in failed if a.lower() not in named]
        return in_body + tail
    return kept or occurrences


def _senders(message: bounce_email.Message) -> set[str]:
    """The addresses the bounce goes back to (its To and Return-Path), lower case: the sender's."""
    found = find_mailboxes(f"{message.header('to')} {message.header('return-path')}")
    return {address.lower() for _, address in found}


def _listed_in_body(body: str) -> list[tuple[int, str]]:
    """Addresses the body lists as recipients: at a line's start, or after a recipient word.
    Those of a returned message's summary in another language count only when nothing else
    lists anyone (cues.summary_lines)."""
    found: list[tuple[int, str]] = []
    summarised: list[tuple[int, str]] = []
    distinct: set[str] = set()
    offset = 0
    unindented = ""  # the last line that starts with no blank: a quoted header field there folds
    # onto the indented lines under it (an indented field is a summary's and folds nothing)
    previous = ""  # the last line with words: a cue may end there
    listed_before = False  # whether the line before listed a recipient
    lines = body.split("\n", MAX_BODY_LINES)[:MAX_BODY_LINES]
    # every label of a summary in another language is written in other than ASCII
    in_summary = [False] * len(lines) if body.isascii() else summary_lines(lines)
    for number, line in enumerate(lines):
        start, offset = offset, offset + len(line) + 1
        words_before = previous
        previous = line if line.strip() else previous  # across blank lines too
        near_listed, listed_before = listed_before, False  # on this line or the one before
        if found and line.lstrip(" \t>")[:ORIGINAL_FIELD_CHARS].lower().startswith(ORIGINAL_HEADER_FIELDS):
            break  # the returned message, quoted after the report without a separator
        indented = line[:1] in " \t"
        if not indented:
            unindented = line
        # only a line with an address is read further: the header-field tests wait until then
        if "@" not in line:
            continue
        # "收件人：a@b" reads as "收件人:a@b": offsets stay, as each character stands for one
        lowered, tail = _cue_text(line), _cue_text(words_before[-48:])
        if HEADER_FIELD_RE.match(lowered) or (indented and HEADER_FIELD_RE.match(unindented.lower())):
            continue
        listed_end = -1  # where the last address listed on this line ends
        for pos, address in find_mailboxes(line, 10):
            before = _words_before(tail, lowered, pos)
            # "to a@b, c@d and e@f": an address that follows a listed one is listed with it
            in_list = listed_end >= 0 and lowered[listed_end:pos].strip(" \t<>,;") in ("", "and")
            named_sender = ends_with_cue(SENDER_CUE_RE, before, LOCALISED_SENDER_CUE)
            sender = named_sender and not ALIAS_CUE_RE.search(before)
            if sender or not (in_list or _is_listed(lowered, pos)):
                continue
            if near_listed and ALIAS_CUE_RE.search(before):
                # an alias names the listed recipient it expanded to; with none listed
                # (Sendmail's "tkwan / (expanded from: <tkwan@example.net>)") it is the only
                # address there is
                continue
            (summarised if in_summary[number] else found).append((start + pos, address))
            listed_end = pos + len(address)
            near_listed = listed_before = True
            distinct.add(address.lower())
        if len(distinct) >= MAX_RECIPIENTS or len(found) + len(summarised) >= MAX_OCCURRENCES:
            break
    return found or summarised


def _cue_text(text: str) -> str:
    """The text in lower case, its full-width punctuation as ASCII (only text other than ASCII
    has any)."""
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(FULL_WIDTH_PUNCTUATION)


def _words_before(previous_tail: str, lowered_line: str, pos: int) -> str:
    """The 48 characters before the address at `pos`, reaching back over the line break when the
    address starts its line: "(expanded from" and "A message sent by" end the line before."""
    before = lowered_line[max(0, pos - 48) : pos]
    if len(before) < 48 and not lowered_line[:pos].strip(" \t<(\"'"):
        before = f"{previous_tail.rstrip()} {before}"[-48:]
    return before


def _is_listed(lowered_line: str, pos: int) -> bool:
    before = lowered_line[max(0, pos - 48) : pos]
    if not before.strip(" \t<\"'(*-["):
        # the address starts the line: a report's list of recipients, unless it is only the
        # display name of the angle address after it (`a@b <c@d>`, RFC 5322 name-addr)
        return not ANGLE_ADDRESS_NEXT_RE.match(lowered_line, lowered_line.find("@", pos))
    if ends_with_cue(CONTACT_CUE_RE, before):
        return False
    if NAME_ADDR_LINE_RE.fullmatch(lowered_line, 0, pos) and _ends_line(lowered_line, pos):
        return True
    if before.rstrip(" \t<").endswith(":") and _ends_line(lowered_line, pos):
        return True  # "Unknown user: a@example.com", the address closing the line
    return ends_with_cue(RECIPIENT_CUE_RE, before, LOCALISED_RECIPIENT_CUE)


def _ends_line(lowered_line: str, pos: int) -> bool:
    at = lowered_line.find("@", pos)
    end = next((i for i in range(at, len(lowered_line)) if lowered_line[i] in " \t"), len(lowered_line))
    return not lowered_line[end:].strip(" \t>.;,)\"']")


def diagnostics(body: str, listed: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """Each recipient with its diagnostic, in the order the recipients first appear: for each
    line that lists it, that line's paragraph, up to the next line that lists another
    recipient; a paragraph that holds little more than the address (`a@b on 3/1/2024`) takes
    the next paragraph too, where Exchange and Lotus Notes put the reason. A transcript's
    summary line (`554 <a@b>... 550 Host unknown`) ends its recipient's exchange instead, and so
    does each line of a list that puts the causes above the recipients (listmates.causes_above):
    its text is the lines since the previous recipient's line."""
    texts: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    read_to: dict[str, int] = {}  # how far each recipient's text already reaches
    previous = (0, "")  # the end of the last line that listed a recipient, and which one
    above = listmates.causes_above(body, listed)
    for i, (pos, address) in enumerate(listed):
        key = address.lower()
        names.setdefault(key, address)
        start = body.rfind("\n", 0, pos) + 1
        line_end = _line_end(body, pos)
        after_other = previous[0] if previous[1] != key else 0
        previous = (line_end, key)
        if start < read_to.get(key, 0):
            continue  # named again inside its own text: "RCPT TO:<a@b>" under "a@b"
        if above or SUMMARY_LINE_RE.match(body, start):
            floor = max(after_other, body.rfind("\n\n", 0, start) + 2, start - SEGMENT_CHARS)
            start, end = floor, line_end
        else:
            # recipients listed on one line ("Your message to a@b, c@d has been blocked")
            # share what follows it
            following = next((p for p, a in listed[i + 1 :] if a.lower() != key and p >= line_end), len(body))
            # up to the line that lists the next one; the last one's text runs to the end, whether
            # or not the body ends with a line break (an attached message's last line has none)
            has_break = following < len(body) and body.rfind("\n", start, following) >= 0
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
    coded = _has_code(paragraph)
    if coded and len(paragraph.replace(address, " ").split()) >= THIN_WORDS:
        return end
    following = _next_paragraph_end(body, end, limit)
    if coded or _has_code(body[end:following]):
        return following
    # no code yet: Gmail puts "Learn more here" and "The response from the remote server was:"
    # between the recipient and the reply; the reply is in one of the next few paragraphs
    further = following
    for _ in range(MAX_PARAGRAPHS_TO_CODE):
        if further >= limit:
            break
        further = _next_paragraph_end(body, further, limit)
        if _has_code(body[following:further]):
            return further
    return following


def _next_paragraph_end(body: str, end: int, limit: int) -> int:
    """The end of the paragraph after the one that ends at `end` (not past `limit`)."""
    following = body.find("\n\n", end + 2, limit)
    while following == end + 2 or (following >= 0 and not body[end:following].strip()):
        following = body.find("\n\n", following + 1, limit)  # runs of blank lines
    return following if following >= 0 else limit
