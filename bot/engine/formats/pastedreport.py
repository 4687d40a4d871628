"""A bounce's report pasted without the email around it: what a person copies from a mail
client's view of the bounce into Slack or a terminal.

The header block is gone (its Subject, X-Failed-Recipients and the To the report goes back to),
but the report's own text still lists each failed recipient on a line and the server's reply
under it, in the layout plainbounce.py reads. Read as free text, paragraph by paragraph, a
report that lists several recipients in one paragraph (Exim's) would give its first
recipient's reply to all of them. So a paste that is no email, no JSON, no delivery-status
fields and no log lines, and that reads as a delivery report and lists a recipient, is read as
the body of a bounce by plainbounce's reader. A report that lists nobody (its recipient was
named only in the Subject, or by a local part) is read so too when it returns the original
after a report's separator line: a bounce returns it ("----- Original message follows -----"),
a person quotes one only under a mail client's "-----Original Message-----".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..incident import Incident
from . import bounce_email, plainbounce
from .reportwords import CONTEXT_CHARS, frames_report, speaks_of_report

KIND = "email"
REPLY_LINE = r"[ \t>]*[245]\d\d[ -]"  # a line of a server's reply: "554-delivery error"
# The lines above a message that mail clients quote in a reply or forward (Outlook's, Apple
# Mail's, Thunderbird's), lower case without their dashes
CLIENT_SEPARATORS = frozenset(("original message", "forwarded message", "begin forwarded message:"))


def detect(text: str) -> bool:
    if bounce_email.looks_like_email(text):
        return False
    if "\n" not in text.strip():
        return False  # one line: a server's reply or a question, not a report's body
    message = bounce_email.pasted(text)
    listed = plainbounce.listed_recipients(message)
    if not listed:
        # listing nobody, it is a report only when it returns the original; a server's words
        # about a message, or a person's, are free text's to read
        return returns_original(message)
    # a report's opening comes before the first recipient it lists or on that recipient's line
    # ("Unable to deliver message to: <a@b>", "Delivery failed 3 attempts: a@b"), or its own
    # framing on the line right under it ("<a@b>" / "Your message was not delivered within 3
    # days"), where a server's words ("user unknown") and a person's question do not count
    line_end = _line_end(message.body, listed[0][0])
    under = message.body[line_end : _line_end(message.body, line_end)]
    framed = "?" not in under and says_report(under, frames_report)
    return says_report(message.body[:line_end]) or framed or returns_original(message)


def returns_original(message: bounce_email.Message) -> bool:
    """Whether the paste speaks of a failure and returns the original after a report's separator
    line ("----- Unsent message follows -----", "Original message follows."): a person's reply
    or forward quotes one too, under a mail client's "-----Original Message-----", which does
    not count."""
    separator = message.original.split("\n", 1)[0].strip(" \t-=_*").lower()
    return bool(separator) and separator not in CLIENT_SEPARATORS and says_report(message.body)


def says_report(preamble: str, words: Callable[[str], bool] = speaks_of_report) -> bool:
    """Words of a failed or delayed delivery in a report's opening ("could not be delivered to
    one or more recipients"; `words` says which count), outside the lines of a server's reply.
    A reply pasted on its own, one line or several, is no report's body."""
    prose = [line for line in preamble[:CONTEXT_CHARS].split("\n") if not re.match(REPLY_LINE, line)]
    return words(" ".join(prose))


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end + 1


def parse(text: str, explicit: bool) -> list[Incident]:
    return plainbounce.read_report(bounce_email.pasted(text), text, explicit)
