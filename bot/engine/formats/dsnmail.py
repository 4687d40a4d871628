"""A bounce email with RFC 3464 delivery-status records: a message/delivery-status part, or the
same fields written into the body by an MTA that builds no multipart/report."""

from __future__ import annotations

from ..codes import after_reply_code, enhanced_codes
from ..incident import Incident, reply_from_context
from ..normalize import fold
from ..partial_names import lines_naming_local_part
from . import bounce_email, dsn, freetext, plainbounce

KIND = "email"
CONTEXT_CHARS = 4000


def detect(text: str) -> bool:
    message = bounce_email.read_email(text)
    return message is not None and bool(message.status_texts or dsn.looks_like_dsn(message.body))


def parse(text: str, explicit: bool) -> list[Incident]:
    """One record per recipient the delivery-status fields name; the readable body is context."""
    message = bounce_email.read(text)
    found: list[Incident] = []
    for status_text in message.status_texts:
        found.extend(dsn.incidents_from_blocks(dsn.field_blocks(status_text), "email"))
    if not found and dsn.looks_like_dsn(message.body):
        found = [i for i in dsn.incidents(message.body) if i.recipient or i.text]
    return with_report_text(found, message, "email")


def with_report_text(found: list[Incident], message: bounce_email.Message, kind: str) -> list[Incident]:
    """The records completed from the readable report they came with: a recipient the record
    names only by host, and each record's own text as context, its reply code from there."""
    _name_missing_recipients(found, message)
    body = message.body
    paragraphs = [(unit, unit.lower()) for unit in freetext.units(freetext.join_multiline_replies(body))]
    # the report's own text for each recipient, when it lists several one by one
    listed = _texts_by_recipient(message) if len(found) > 1 else {}
    for incident in found:
        incident.kind = kind
        own = listed.get(incident.recipient.lower()) if incident.recipient and len(listed) > 1 else None
        incident.context = own or _context_for(incident, paragraphs)
        quoted = reply_from_context(incident) if incident.context else None
        if len(found) == 1 and quoted is None:
            # one record: the whole notice is about it, however it spells the address
            incident.context = body[:CONTEXT_CHARS]
            quoted = reply_from_context(incident)
        if incident.reply_code is None and quoted:
            incident.reply_code = quoted
            _status_from_quoted_reply(incident)
    return found


def _status_from_quoted_reply(incident: Incident) -> None:
    """A record whose Status gives only the class (`Status: 5.0.0`) and no reply of its own takes
    the enhanced code of the reply the report quotes for its recipient ("552 5.2.2 ... Mailbox
    full"), as it would from its own Diagnostic-Code (dsn.incidents_from_blocks)."""
    status = incident.enhanced_code
    if not status or not status.endswith(".0.0"):
        return
    hit = after_reply_code(incident.context, enhanced_codes(incident.context))
    if hit and hit.code[0] == status[0]:
        incident.enhanced_code = hit.code


def _texts_by_recipient(message: bounce_email.Message) -> dict[str, str]:
    listed = plainbounce.listed_recipients(message)
    return {address.lower(): text for address, text in plainbounce.diagnostics(message.body, listed)}


def _name_missing_recipients(found: list[Incident], message: bounce_email.Message) -> None:
    """A record whose recipient field holds no address (`Final-Recipient: rfc822; @host`) gets
    the address the readable report lists in its place, in the same order."""
    missing = [i for i in found if i.recipient is None]
    if not missing:
        return
    named = {i.recipient.lower() for i in found if i.recipient}
    listed = [a for _, a in plainbounce.listed_recipients(message) if a.lower() not in named]
    for incident, address in zip(missing, dict.fromkeys(listed), strict=False):
        incident.recipient = address


def _context_for(incident: Incident, paragraphs: list[tuple[str, str]]) -> str:
    """The body paragraphs that speak of this recipient, for a record whose diagnostic is thin."""
    if not incident.recipient:
        return ""
    needle = fold(incident.recipient)
    if " " in needle:  # rare: a recipient field that is not a bare address
        return "\n".join(text for text, _ in paragraphs if needle in fold(text))[:CONTEXT_CHARS]
    # without white space in the needle, folding the paragraph's white space changes nothing
    found = "\n".join(text for text, lowered in paragraphs if needle in lowered)[:CONTEXT_CHARS]
    if found:
        return found
    # the report may list the recipient by its local part alone ("jwalker (user not found)")
    text = "\n".join(text for text, _ in paragraphs)
    local = incident.recipient.rsplit("@", 1)[0].lower()
    if text.isascii() and local.isascii() and not any(local in lowered for _, lowered in paragraphs):
        return ""  # a local part the report never writes starts no line: its pattern is not compiled
    return "\n".join(lines_naming_local_part(text, incident.recipient))
