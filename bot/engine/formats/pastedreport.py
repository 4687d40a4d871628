"""A bounce's report pasted without the email around it: what a person copies from a mail
client's view of the bounce into Slack or a terminal.

The header block is gone (its Subject, X-Failed-Recipients and the To the report goes back to),
but the report's own text still lists each failed recipient on a line and the server's reply
under it, in the layout plainbounce.py reads. Read as free text, paragraph by paragraph, a
report that lists several recipients in one paragraph (Exim's) would give its first
recipient's reply to all of them. So a paste that is no email, no JSON, no delivery-status
fields and no log lines, and that reads as a delivery report and lists a recipient, is read as
the body of a bounce by plainbounce's reader.
"""

from __future__ import annotations

import re

from ..incident import Incident
from . import bounce_email, plainbounce
from .reportwords import CONTEXT_CHARS, speaks_of_report

KIND = "email"
REPLY_LINE = r"[ \t>]*[245]\d\d[ -]"  # a line of a server's reply: "554-delivery error"


def detect(text: str) -> bool:
    if bounce_email.looks_like_email(text):
        return False
    if "\n" not in text.strip():
        return False  # one line: a server's reply or a question, not a report's body
    message = bounce_email.pasted(text)
    listed = plainbounce.listed_recipients(message)
    if not listed:
        return False  # a server's words about a message, or a person's: free text reads them
    # a report's opening comes before the first recipient it lists or on that recipient's line
    # ("Unable to deliver message to: <a@b>", "Delivery failed 3 attempts: a@b")
    line_end = message.body.find("\n", listed[0][0])
    return says_report(message.body[:line_end] if line_end >= 0 else message.body)


def says_report(preamble: str) -> bool:
    """A report's opening before the first recipient it lists: words of a failed or delayed
    delivery ("could not be delivered to one or more recipients"), outside the lines of a
    server's reply. A reply pasted on its own, one line or several, is no report's body."""
    prose = [line for line in preamble[:CONTEXT_CHARS].split("\n") if not re.match(REPLY_LINE, line)]
    return speaks_of_report(" ".join(prose))


def parse(text: str, explicit: bool) -> list[Incident]:
    return plainbounce.read_report(bounce_email.pasted(text), text, explicit)
