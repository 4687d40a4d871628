"""The input formats the engine reads, as a registry tried in one documented order.

Each format is one module with:

- `KIND`: the input kind the explanation reports (code, json, email, dsn, log, text);
- `detect(text) -> bool`: cheap, and true when the text is written in this format;
- `parse(text, explicit) -> list[Incident]`: one record per failed recipient (see incident.py).

`read` tries FORMATS in order and takes the records of the first format that detects the text
and finds any; a format that detects but finds nothing (a JSON document that is no notification,
a multipart/report without records) hands the text on to the next. The order goes from the most
certain structure to the least: a code alone, a JSON notification, then the email formats (a
feedback report before a delivery-status report before an auto-reply, since bounces also carry
Auto-Submitted, and the plain-text report reader last among them, as it reads any email; a queue
listing, whose header line a mail reader could take for an email's, comes before it), then
delivery-status fields pasted without an email, log lines (MTAs', PowerMTA's accounting records,
Microsoft's message trace), a bounce's report pasted without
its header block, an out-of-office notice pasted without its own, and free text, which reads anything.

A bounce that a person forwarded (attached as message/rfc822, or inline after a mail client's
"Forwarded message" block) is read as the bounce it carries: `forwarded.inner_report` finds it
(see that module for the rule), and the person's own message is read only when the inner report
yields nothing. Forwards of forwards are unwrapped up to forwarded.MAX_LEVELS deep.

Recipients come from the report itself. Only when a bounce report's records name nobody at all
does the returned message's only addressee stand in (`returned.py` gives the narrow rule; for a
report pasted without its email, `returned.sole_addressee_in_paste`, a narrower one).

Adding a format is one module, one line in FORMATS and one test module in tests/engine/formats/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..incident import Incident
from . import (
    arf,
    autoreply,
    barecode,
    bounce_email,
    dsnmail,
    forwarded,
    freetext,
    harakalog,
    jsonbounce,
    mailq,
    msgtrace,
    mtalog,
    pastedautoreply,
    pasteddsn,
    pastedreport,
    plainbounce,
    pmtacsv,
    qmaillog,
    returned,
)

FORMATS = (
    barecode,  # `550 5.1.1`: a code asked about on its own
    jsonbounce,  # sending services' event payloads (services/): SES, SendGrid, Mailgun, Postmark ...
    arf,  # RFC 5965 feedback report: multipart/report; report-type=feedback-report
    dsnmail,  # RFC 3464 delivery-status records in a bounce email
    autoreply,  # RFC 3834 auto-reply: Auto-Submitted: auto-replied, vacation subjects
    mailq,  # Postfix's and Sendmail's queue listings: a deferred message's reason and recipients
    plainbounce,  # any other email: the human-readable report every MTA writes
    pasteddsn,  # delivery-status fields pasted on their own or under the report's text
    mtalog,  # Postfix, Sendmail and Exim log lines
    qmaillog,  # qmail-send's delivery lines
    pmtacsv,  # PowerMTA's accounting records (CSV)
    harakalog,  # Haraka's refusals and last rejections
    msgtrace,  # Exchange message tracking and Microsoft 365 message trace: Fail and Defer events
    pastedreport,  # a bounce's report pasted without its header block
    pastedautoreply,  # an out-of-office notice pasted without its header block
    freetext,  # anything else: pasted replies, questions
)


# Formats whose records report failed deliveries of a message the bounce returns.
BOUNCE_REPORTS = (dsnmail, plainbounce)
# Formats that read a bounce's report pasted without its email: the original it returns is
# quoted in the paste after a separator line, or not at all.
PASTED_REPORTS = (pasteddsn, pastedreport, freetext)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the formats made of a text: its kind, its records, and the bounce's own headers."""

    kind: str
    incidents: list[Incident]
    hint_text: str  # the bounce email's From, Subject, X-Mailer ... or a payload's services: a provider hint


def read(text: str, explicit: bool, depth: int = 0) -> Reading:
    """The records of the first format in FORMATS that detects the text and finds some; for a
    forwarded bounce, those of the bounce inside when it has any."""
    inner = forwarded.inner_report(text) if depth < forwarded.MAX_LEVELS else None
    if inner is not None:
        reading = read(inner, explicit, depth + 1)
        if reading.incidents:
            return reading
    for fmt in FORMATS:
        if not fmt.detect(text):
            continue
        found = fmt.parse(text, explicit)
        if found and fmt in BOUNCE_REPORTS:
            _name_sole_addressee(found, returned.sole_addressee, text)
        elif found and fmt in PASTED_REPORTS:
            _name_sole_addressee(found, returned.sole_addressee_in_paste, text)
        if found or fmt is freetext:
            return Reading(_kind(fmt, found), found, _hint(fmt, text))
    return Reading("text", [], "")


def _name_sole_addressee(
    incidents: list[Incident], addressee: Callable[[str], str | None], text: str
) -> None:
    """A report that names no recipient at all: its records get the returned message's only
    addressee, when it has one (see returned.py)."""
    if any(incident.recipient for incident in incidents):
        return
    bounces = [incident for incident in incidents if incident.report == "bounce"]
    address = addressee(text) if bounces else None
    if address is None:
        return  # a format's "" (nobody here, not even by guessing) stays
    for incident in bounces:
        incident.recipient = address


def _kind(fmt: object, found: list[Incident]) -> str:
    return freetext.kind_of(found) if fmt is freetext else fmt.KIND  # type: ignore[attr-defined]


def _hint(fmt: object, text: str) -> str:
    """The bounce email's own headers, the services a JSON payload comes from, or the host that
    pasted delivery-status fields name as the reporting one."""
    if fmt is jsonbounce:
        return jsonbounce.provider_hint(text)
    if fmt is pasteddsn:
        return pasteddsn.provider_hint(text)
    return bounce_email.read(text).header_text if getattr(fmt, "KIND", "") == "email" else ""
