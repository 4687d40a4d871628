"""The returned original message's only addressee: the failed recipient of a report that names none.

Some bounces say that delivery failed without saying to whom: a Postfix report whose
delivery-status part lost its per-recipient fields ("Delivery report unavailable"), an old
Sendmail "Cannot send message for 4 days" whose transcript names only the host. What they return
is the message that failed. When that message was addressed to one mailbox alone (one address
in To: and Cc: together), it can only have failed for that mailbox, and the answer names it.

The rule is a last resort and deliberately narrow:

- it applies only when no record of the report names any recipient;
- the returned message must be addressed to exactly one mailbox: with two or more, which one
  failed is unknown, and guessing would name a recipient that was delivered;
- a message posted to a mailing list (List-Post, List-Id) is addressed to the list, while the
  failure is a member's: no address is taken from it;
- a reporting system's own address (postmaster@, MAILER-DAEMON@) is never a recipient.
"""

from __future__ import annotations

from ..address import find_mailboxes, is_reporting_address
from . import bounce_email, mime_reader

ADDRESSEE_FIELDS = ("to", "cc", "list-post", "list-id")
SENDER_FIELDS = ("from", "sender", "return-path")
# The returned message's header block starts within this many lines after the separator line
# ("----- Unsent message follows -----"), after blank lines and a Return-Path or Received field.
MAX_LEAD_LINES = 3


def sole_addressee(text: str) -> str | None:
    """The one mailbox the returned original message was addressed to, or None when there is no
    returned message, it has no header block, or it names none, several, or a mailing list."""
    message = bounce_email.read_email(text)
    if message is None:
        return None
    block = message.original or _inline_original(_body(text, message.decoded))
    return _addressee_of(mime_reader.split_headers(block.lstrip("\n"), ADDRESSEE_FIELDS)[0])


def sole_addressee_in_paste(text: str) -> str | None:
    """The same for a bounce's body pasted without its header block, where the original it quotes
    after its separator line is all there is of the message that failed. Without the header
    block's X-Failed-Recipients, the report's own words are the only check: when they name
    anyone but the original's sender and that addressee (an alias the original went to, a
    forward), the failed recipient is theirs to say, not the original's."""
    body = text[: bounce_email.MAX_PART_CHARS]
    block = _inline_original(body)
    if not block:
        return None
    headers, _ = mime_reader.split_headers(block.lstrip("\n"), ADDRESSEE_FIELDS + SENDER_FIELDS)
    address = _addressee_of(headers)
    if address is None:
        return None
    known = {address} | {
        a.lower() for field in SENDER_FIELDS for _, a in find_mailboxes(headers.get(field, ""), limit=3)
    }
    report = bounce_email.body_before_original(body)
    others = [a for _, a in find_mailboxes(report, limit=20) if a.lower() not in known]
    return None if any(not is_reporting_address(a) for a in others) else address


def _addressee_of(headers: dict[str, str]) -> str | None:
    if "list-post" in headers or "list-id" in headers:
        return None
    addresses = {
        address.lower()
        for field in ("to", "cc")
        for _, address in find_mailboxes(headers.get(field, ""), limit=3)
    }
    if len(addresses) != 1:
        return None
    address = addresses.pop()
    return None if is_reporting_address(address) else address


def _body(text: str, decoded: str) -> str:
    """A one-part bounce's body: after its header block, or `decoded` when the body is in base64
    or quoted-printable; "" when the email has no body."""
    if decoded:
        return decoded
    end = text.find("\n\n")
    return text[end + 2 :] if end >= 0 else ""


def _inline_original(body: str) -> str:
    """The original that a bounce body quotes after its separator line, from the line after it;
    "" when the body has no such separator or no header field follows it closely."""
    cut = len(bounce_email.body_before_original(body))
    if cut >= len(body):
        return ""
    lines = body[cut:].split("\n", MAX_LEAD_LINES + 2)[1:]  # the separator line goes
    for index, line in enumerate(lines[:MAX_LEAD_LINES]):
        if line.strip() and mime_reader.FIELD_LINE_RE.match(line) and ":" in line:
            return "\n".join(lines[index:])
    return ""
