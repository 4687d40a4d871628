"""Exchange message tracking and Microsoft 365 message trace: a `Fail` or `Defer` event's details.

Exchange's message tracking log (Get-MessageTrackingLog) records a failed delivery as EventId
`FAIL` and a deferral as `DEFER`, with the last error in RecipientStatus:
`{[{LRT=...};{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; ...};{FQDN=host};{IP=...}]}`
(https://learn.microsoft.com/en-us/exchange/mail-flow/transport-logs/message-tracking). The
message trace of Exchange Online shows the same as an event `Fail` (or `Defer`) whose detail is
`Reason: [{LED=...};{MSG=};{FQDN=};{IP=};{LRT=}]`, a field or a column of the events' table
(https://learn.microsoft.com/en-us/exchange/monitoring/trace-an-email-message/message-trace-modern-eac).
LED is the last error: the reply a server gave, Exchange's own or a remote one. Each LED is one
record; the recipient is the one the trace names (`Recipient address: ...`, `Recipients: {...}`)
when it names only one.
"""

from __future__ import annotations

import re

from ..address import mailbox
from ..incident import Incident, incident_from_text, leading_address

# Regex sources, compiled on first use by re (which keeps them): traces are seldom pasted.
# `Event: Fail` as a field, or `Fail` as a column of a row copied from the trace's table of
# events (Date, Event, Action, Detail: "12/8/2026 7:05 AM<TAB>Fail<TAB>Reason: ...")
EVENT = r"(?im)(?:^[ \t]*Event(?:Id)?[ \t]*:[ \t]*|(?:^|\t)[ \t]*)(fail|defer)\b(?=[ \t]*(?:\t|:|$))"
LAST_ERROR = r"\{LED=([^{}\n]{1,2000})\}"
FQDN = r"\{FQDN=([^{}\s]{1,255})\}"
RECIPIENT = r"(?im)^[ \t]*Recipients?(?: address)?[ \t]*:[ \t]*\{?[ \t]*([^\s{},;]{1,254})[ \t]*\}?[ \t]*$"
ACTIONS = {"fail": "failed", "defer": "delayed"}
MAX_RECORDS = 100
KIND = "log"


def detect(text: str) -> bool:
    head = text[:20000]
    return "LED=" in head and re.search(EVENT, head) is not None


def parse(text: str, explicit: bool) -> list[Incident]:
    event = re.search(EVENT, text)
    if event is None:
        return []
    action = ACTIONS[event.group(1).lower()]
    named = re.search(RECIPIENT, text)
    from .. import table_rows  # start-up does without it

    # or the Recipient column of the trace's row copied with the event, or a row it begins
    recipient = mailbox(named.group(1)) if named else table_rows.recipient(text) or leading_address(text)
    fqdn = re.search(FQDN, text)
    host = fqdn.group(1).rstrip(".").lower() if fqdn else ""
    out: list[Incident] = []
    for m in re.finditer(LAST_ERROR, text):
        if len(out) >= MAX_RECORDS:
            break
        error = m.group(1).strip()
        if not error:
            continue
        incident = incident_from_text(error, "log", True, recipient=recipient, action=action, structured=True)
        if "." in host and incident.remote_mta is None:
            incident.remote_mta = host
        incident.strong_code = True
        out.append(incident)
    return out
