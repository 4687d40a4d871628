"""The recipient of a row copied from a table of messages: a console's trace or a log's CSV.

A message trace lists one message a row, its columns in a fixed order, and people copy a row
(or the table) from the page into a chat:
- Microsoft 365's message trace (the Exchange admin centre, `Get-MessageTrace`): Date, Sender,
  Recipient, Subject, Status (https://learn.microsoft.com/en-us/exchange/monitoring/trace-an-email-message/message-trace-modern-eac);
- Google Workspace's Email Log Search: Date, Sender, Recipient, Subject, Status
  (https://support.google.com/a/answer/2604578).
Copied from a page the columns come apart by tabs, printed by PowerShell by runs of spaces; the
sender stands before the recipient, so the first address is the one that sent, not the one
that failed. A CSV log writes the recipient in the column before its status, the reply it got
(Exchange's message tracking log: `recipient-address,recipient-status`,
https://learn.microsoft.com/en-us/exchange/mail-flow/transport-logs/message-tracking), and a
Message-ID in angle brackets in another column.
"""

from __future__ import annotations

import re

from .address import mailbox

# Sources, compiled on first use by re (which keeps them): few texts are tables.
ADDRESS = r"[^\s@,<>\"']{1,64}@[\w.-]{1,253}"
GAP = r"(?:\t[ \t]*| {2,})"
# a row that starts with its date (a digit within the first column), then sender and recipient,
# and names a message's state in a later column; matched on one line
CONSOLE_ROW = (
    rf"(?=[^\n\t@]{{0,40}}\d)[^\n\t@]{{1,60}}?{GAP}{ADDRESS}{GAP}({ADDRESS}){GAP}"
    rf"(?:[^\n]{{0,300}}?{GAP})?(?:Failed|Bounced|Deferred|Pending|Rejected|Quarantined|Dropped"
    r"|Delivered|Expanded|Filtered as spam)\b"
)
# two addresses one column apart, where a row may be: found from their "@", which the regex
# engine skips to, so a text with no such pair costs one quick pass
ADDRESS_PAIR = rf"@[\w.-]{{1,253}}{GAP}[^\s@,<>\"']{{1,64}}@"
MAX_ROWS = 20
# a reply in the column after an address, then that address, the column before it
STATUS_COLUMN = r",\"?[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b"
ADDRESS_COLUMN = rf"(?:^|[,\n])({ADDRESS})$"
MAX_COLUMN = 320


def recipient(text: str) -> str | None:
    """The recipient column's address of a copied trace row or CSV log row, or None."""
    for n, pair in enumerate(re.finditer(ADDRESS_PAIR, text)):
        if n == MAX_ROWS:
            break
        start = text.rfind("\n", 0, pair.start()) + 1
        end = text.find("\n", pair.end())
        row = re.match(CONSOLE_ROW, text[start : end if end >= 0 else len(text)])
        if row:
            return mailbox(row.group(1))
    for status in re.finditer(STATUS_COLUMN, text):
        column = re.search(ADDRESS_COLUMN, text[max(0, status.start() - MAX_COLUMN) : status.start()])
        if column:
            return mailbox(column.group(1))
    return None
