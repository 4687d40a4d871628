"""Delivery-status fields pasted as text: on their own, or under the report's readable text, as a
mail client shows a multipart/report bounce (its text part, then the delivery-status part's
fields) and a person copies it without the header block.

With several records, the readable text says which reply was whose: Postfix lists each
recipient with the server's reply under it, and a record without a Diagnostic-Code (a mailbox
that does not exist on the local host, a domain with no mail server) has no reply code at all.
Read with the whole paste as each record's context, every such record took the first reply
code in it. So the text above the fields is read as the body of a bounce email is read with
its delivery-status part (dsnmail.py): each record's context is the text that names its
recipient, and a record that names only a host (`Final-Recipient: rfc822; @host`) gets the
address the text lists in its place.
"""

from __future__ import annotations

import re

from ..incident import Incident
from . import bounce_email, dsn, dsnmail

KIND = dsn.KIND
# Where the fields start: the first line that is an RFC 3464 field, per message (section 2.2)
# or per recipient (2.3), searched in "\n" + text, lower case.
# Sources, not compiled patterns: a pasted DSN comes in a chat message, not in a bounce email,
# so re compiles them (and keeps them in its cache) on first use, not every process at import.
FIELD_START = (
    r"\n(?:reporting-mta|received-from-mta|arrival-date|original-envelope-id|dsn-gateway"
    r"|final-recipient|original-recipient|action|status|diagnostic-code|remote-mta):"
)
REPORTING_MTA = r"(?mi)^[ \t]*reporting-mta:[ \t]*([^\n]{0,200})"


def detect(text: str) -> bool:
    return dsn.looks_like_dsn(text)


def parse(text: str, explicit: bool) -> list[Incident]:
    readable = report_text(text)
    found = dsn.incidents(text)
    if not readable.strip() and len(found) > 1:
        # the fields alone, several records: each record's context is its own paragraph, as
        # the readable text's would be, so a record without a Diagnostic-Code takes no other
        # record's reply code
        return dsnmail.with_report_text(found, bounce_email.pasted(text), KIND)
    if not readable.strip():
        return dsn.parse(text, explicit)  # the fields of one record: the paste is its context
    return dsnmail.with_report_text(found, bounce_email.pasted(readable), KIND)


def report_text(text: str) -> str:
    """The paste's text above its first delivery-status field: the report's readable part."""
    m = re.search(FIELD_START, "\n" + text[: dsn.DSN_HINT_CHARS].lower())
    return text[: m.start()] if m else ""


def provider_hint(text: str) -> str:
    """The reporting system's name (RFC 3464 2.2.2 Reporting-MTA): where a bounce email's From and
    Received fields say which provider sent it, a paste of its fields still names that host."""
    m = re.search(REPORTING_MTA, text[: dsn.DSN_HINT_CHARS])
    return f"reporting-mta: {m.group(1)}" if m else ""
